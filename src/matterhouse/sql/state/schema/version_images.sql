-- Grain: one row per image of an article version. Key: (version_id, position).
create table if not exists staging.version_images (
    version_id varchar not null,
    source_file_id varchar not null,
    position integer not null,
    url varchar not null,
    width bigint,
    height bigint,
    title varchar,
    extra varchar
)
