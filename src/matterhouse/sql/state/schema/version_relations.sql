-- Grain: one row per (file's own article version, related article).
create table if not exists staging.version_relations (
    version_id varchar not null,
    source_file_id varchar not null,
    related_article_id varchar not null,
    position integer not null
)
