-- Grain: one row per file seen in the sources. Key: source_file_id = stable hash of (source, path).
create table if not exists source_files (
    source_file_id varchar not null,
    source varchar not null,       -- the source folder, as an absolute path
    path varchar not null,         -- relative to the source folder, '/' separators
    status varchar not null,       -- loaded | superseded | rejected
    reason varchar,                -- why it was rejected or superseded
    article_id varchar,            -- the article the file is a version of
    size_bytes bigint not null,
    modified_at timestamptz not null,
    content_hash varchar,          -- SHA-256 of the bytes; null when unreadable
    run_id varchar not null        -- the run that last read the file's content (-> etl_runs)
)
