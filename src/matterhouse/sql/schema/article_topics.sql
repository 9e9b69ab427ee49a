-- Grain: one row per (article, topic). Key: (article_id, topic).
create table if not exists article_topics (
    article_id varchar not null,  -- -> articles.article_id
    topic varchar not null        -- white space tidied, case kept
)
