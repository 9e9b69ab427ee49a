-- Grain: one row per article cited in at least one related list: how often, and by how many providers.
create or replace view most_cited_articles as
with

relations as (
    select article_id, related_article_id from main.article_relations
),

articles as (
    select article_id, url, title, provider_id, has_source_file from main.articles
),

citations as (
    select
        relations.related_article_id as article_id,
        count(*) as citations,
        count(distinct citing.provider_id) as citing_providers
    from relations
    inner join articles as citing on citing.article_id = relations.article_id
    group by relations.related_article_id
),

final as (
    select
        citations.article_id,
        articles.url,
        articles.title,
        articles.provider_id,
        articles.has_source_file,
        citations.citations,
        citations.citing_providers
    from citations
    inner join articles using (article_id)
)

select * from final
