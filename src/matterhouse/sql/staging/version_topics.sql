-- Grain: one row per (article version, topic).
select
    version_id,
    source_file_id,
    topic
from read_parquet({files})
