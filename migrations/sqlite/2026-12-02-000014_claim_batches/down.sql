-- SQLite cannot drop a column that references another table: claim_codes keeps batch_id and
-- uses (empty and unread once the batches are gone).
DROP TABLE claim_redemptions;
DROP INDEX claim_codes_batch;
UPDATE claim_codes SET batch_id = NULL;
DROP TABLE claim_batches;
