-- What the warehouse knows of each file, for deciding what a run must read again.
-- Times as integer microseconds: cheaper to compare by the million than timestamps.
select source, path, source_file_id, size_bytes, epoch_us(modified_at) as modified_us, content_hash
from staging.files
