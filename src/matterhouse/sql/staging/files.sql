-- Grain: one row per file parsed in this run, as the parser wrote it, stamped with the run.
select
    source_file_id,
    source,
    path,
    size_bytes,
    modified_at,
    content_hash,
    article_id,
    reason,
    {run_id} as run_id,
    parse_rules
from read_parquet({files})
