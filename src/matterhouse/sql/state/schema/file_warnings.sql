-- Grain: one row per bad field value found in a file.
create table if not exists staging.file_warnings (
    source_file_id varchar not null,
    field varchar not null,
    raw_value varchar,
    message varchar not null
)
