-- What the warehouse knows of each file, for deciding what a run must read again.
select source_file_id, size_bytes, modified_at, content_hash
from staging.files
