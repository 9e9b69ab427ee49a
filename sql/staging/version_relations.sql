-- Grain: one row per (file's own article version, related article).
select
    version_id,
    related_article_id,
    position
from read_parquet($files)
