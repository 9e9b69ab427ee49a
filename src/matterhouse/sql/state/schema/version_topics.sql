-- Grain: one row per (article version, topic).
create table if not exists staging.version_topics (
    version_id varchar not null,
    source_file_id varchar not null,
    topic varchar not null
)
