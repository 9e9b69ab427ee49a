-- Grain: one row per distinct version (title, excerpt, updated_at) of an article ever seen
-- in a file of its own, kept across runs. Key: (article_id, version).
create table if not exists article_versions (
    article_id varchar not null,      -- -> articles.article_id while the article is published
    version integer not null,         -- 1, 2, ...: by updated_at (null first), then by when first seen
    title varchar,
    excerpt varchar,
    updated_at timestamptz,
    source_path varchar not null,     -- a file that held it (the first path, if several), when last seen
    first_seen_run varchar not null,  -- -> etl_runs.run_id: the run that first loaded it
    last_seen_run varchar not null    -- -> etl_runs.run_id: the last run that read or lost a file of the article while a file held it
)
