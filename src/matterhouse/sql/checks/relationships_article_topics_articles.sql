-- Holds when: every topic row belongs to an article.
-- dbt test: relationships article_topics.article_id -> articles.article_id
with

articles as (
    select * from articles where {everything} or article_id in (select article_id from scope_checked_articles)
)

select topics.article_id, topics.topic from article_topics as topics
anti join articles using (article_id)
where {everything} or topics.article_id in (select article_id from scope_checked_articles)
