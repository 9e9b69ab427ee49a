-- Grain: one row per file read in this run, as the parser wrote it.
select
    source_file_id,
    source,
    path,
    size_bytes,
    modified_at,
    content_hash,
    article_id,
    reason
from read_parquet($files)
