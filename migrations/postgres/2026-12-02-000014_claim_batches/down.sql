DROP TABLE claim_redemptions;
DROP INDEX claim_codes_batch;
ALTER TABLE claim_codes DROP COLUMN uses;
ALTER TABLE claim_codes DROP COLUMN batch_id;
DROP TABLE claim_batches;
