DROP TABLE pathway_badges;
DROP TABLE pathways;
