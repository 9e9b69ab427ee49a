-- Grain: one row per (file's own article version, related article).
select
    version_id,
    source_file_id,
    related_article_id,
    position
from read_parquet({files})
