-- Grain: one row per article known only from related lists (no file of its own), with
-- how many published articles cite it: the articles the corpus is missing.
create or replace view coverage_gaps as
with

articles as (
    select article_id, url, title, provider_id, published_at from main.articles where not has_source_file
),

relations as (
    select related_article_id from main.article_relations
),

final as (
    select
        articles.article_id,
        articles.url,
        articles.title,
        articles.provider_id,
        articles.published_at,
        count(relations.related_article_id) as cited_by
    from articles
    left join relations on relations.related_article_id = articles.article_id
    group by all
)

select * from final
