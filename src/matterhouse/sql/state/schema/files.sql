-- Grain: one row per file the warehouse knows, as the parser last wrote it. Key: source_file_id.
create table if not exists staging.files (
    source_file_id varchar not null,
    source varchar not null,
    path varchar not null,
    size_bytes bigint not null,
    modified_at timestamptz not null,
    content_hash varchar,          -- null when the file could not be read
    article_id varchar,            -- null when rejected
    reason varchar,                -- why it was rejected
    run_id varchar not null,       -- the run that last read it
    parse_rules integer not null   -- the parse-rule version that read it; older ones are read again
)
