-- Grain: one row per (article version, AMP page it declares).
select
    version_id,
    source_file_id,
    url,
    url_key,
    kind
from read_parquet({files})
