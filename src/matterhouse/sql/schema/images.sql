-- Grain: one row per image of an article. Key: (article_id, position).
create table if not exists images (
    article_id varchar not null,  -- -> articles.article_id
    position integer not null,    -- 0-based index in the article's images list
    url varchar not null,
    width bigint,
    height bigint,
    title varchar,
    extra json                    -- the image's fields not mapped to a column, with YAML 1.2 core-schema types
)
