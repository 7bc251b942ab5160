-- The bytes each user uploaded in the last hour (issue 17, limits.user_upload_mb_per_hour;
-- api/quotas.hpp), shared by every API instance like upload_starts.
--
-- One row per recording stored (pending = 0: its size, counted until an hour after it was
-- stored) and per streamed upload still arriving (pending = 1: the bytes it has reserved so
-- far, taken in steps as its body arrives, the same way as storage_reservations; counted until
-- the reservation lapses, an hour after it was last extended, should its process die). The
-- transaction that records a streamed upload's object turns its row into a stored one; a
-- failed upload's row is deleted, so refused and failed uploads never count. Open direct
-- uploads are counted from the uploads table (their declared size) and get a stored row when
-- completed. A check and the bytes it allows are one transaction, so concurrent uploads on any
-- number of API instances never pass the limit together. Rows that no longer count are deleted
-- as the user's new ones come. Times are Unix milliseconds.
CREATE TABLE upload_bytes (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  pending INTEGER NOT NULL,
  counts_until_ms INTEGER NOT NULL
);
CREATE INDEX upload_bytes_user ON upload_bytes(user_id, counts_until_ms);
-- Open direct uploads are summed per user.
CREATE INDEX uploads_user_state ON uploads(user_id, state);
