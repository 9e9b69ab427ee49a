-- Grain: one row per (article version, URL it names).
select
    version_id,
    source_file_id,
    url,
    url_key,
    kind
from read_parquet({files})
