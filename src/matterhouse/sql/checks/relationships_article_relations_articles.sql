-- Holds when: both ends of every relation are articles.
-- dbt test: relationships article_relations.article_id -> articles.article_id
-- dbt test: relationships article_relations.related_article_id -> articles.article_id
with

relations as (
    select article_id, related_article_id from article_relations
    where {everything} or article_id in (select article_id from scope_relations) or related_article_id in (select article_id from scope_checked_articles)
),

articles as (
    select article_id from articles
    where {everything}
       or article_id in (select article_id from relations)
       or article_id in (select related_article_id from relations)
)

select relations.article_id, relations.related_article_id from relations
where relations.article_id not in (select article_id from articles)
   or relations.related_article_id not in (select article_id from articles)
