-- Grain: one row per (file, URL the file describes): the file's own article
-- (embed_position is null) or an entry of its related list. Key: version_id.
create table if not exists staging.file_articles (
    version_id varchar not null,
    source_file_id varchar not null,
    embed_position integer,
    article_id varchar not null,
    url varchar not null,
    title varchar,
    excerpt varchar,
    published_at timestamptz,
    updated_at timestamptz,
    provider_id varchar,
    provider_domain varchar,
    provider_name varchar,
    category varchar,
    type varchar,
    quality bigint,
    heat bigint,
    is_published boolean,
    amp_url varchar,
    cdn_amp_url varchar,
    secured varchar,
    body varchar,
    extra varchar,
    story_key varchar  -- equal for copies of one story (transforms/variants.py)
)
