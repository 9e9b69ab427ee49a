-- Grain: one row per image of an article version.
select
    version_id,
    source_file_id,
    position,
    url,
    width,
    height,
    title,
    extra
from read_parquet({files})
