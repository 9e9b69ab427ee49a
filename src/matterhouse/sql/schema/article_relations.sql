-- Grain: one row per (article, related article). Key: (article_id, related_article_id).
create table if not exists article_relations (
    article_id varchar not null,          -- -> articles.article_id
    related_article_id varchar not null,  -- -> articles.article_id
    position integer not null             -- 0-based index of its first entry in the related list
)
