DROP TABLE custody_reissues;
DROP TABLE custody_handoffs;
