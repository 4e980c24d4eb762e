DROP INDEX activities_listing;
