-- Grain: one row per bad field value found in a file; the article loaded with it as null.
create table if not exists data_warnings (
    source_file_id varchar not null,  -- -> source_files.source_file_id
    path varchar not null,
    field varchar not null,           -- e.g. quality, images[2].width, related[0].webUrl
    raw_value varchar,                -- the value as parsed, shortened to 200 characters
    message varchar not null,
    run_id varchar not null           -- the run that read the file
)
