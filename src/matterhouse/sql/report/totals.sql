-- Report: the warehouse in a few numbers, for the page's opening sentence.
with

articles as (
    select provider_id, published_at from main.articles
),

topics as (
    select topic from main.article_topics
),

final as (
    select
        (select count(*) from articles) as articles,
        (select count(published_at) from articles) as dated_articles,
        (select count(distinct provider_id) from articles) as providers,
        (select count(distinct topic) from topics) as topics,
        (select count(*) from etl_runs) as runs
)

select articles, dated_articles, providers, topics, runs from final
