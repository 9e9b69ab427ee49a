-- Grain: one row per article URL. Key: article_id = stable hash of url.
create table if not exists articles (
    article_id varchar not null,       -- stable hash of url
    url varchar not null,              -- the normalized webUrl
    title varchar,
    excerpt varchar,
    published_at timestamptz,          -- publishedDateTime as a UTC instant
    updated_at timestamptz,            -- updatedDateTime as a UTC instant
    provider_id varchar,               -- -> providers.provider_id
    category varchar,
    type varchar,
    quality bigint,
    heat bigint,
    is_published boolean,              -- the `published` flag
    amp_url varchar,                   -- ampWebUrl
    cdn_amp_url varchar,               -- cdnAmpWebUrl
    secured varchar,
    body varchar,                      -- the Markdown after the front matter
    has_source_file boolean not null,  -- false: known only from other files' related lists
    source_path varchar,               -- file the article came from, relative to its source folder
    source_file_id varchar,            -- -> source_files.source_file_id
    extra json,                        -- every front-matter field not mapped to a column, with YAML 1.2 core-schema types
    story_id varchar                   -- shared by copies of one story (sql/models/story_copies.sql); else article_id
)
