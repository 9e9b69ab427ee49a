-- Grain: one row per (ISO week starting Monday, UTC; topic): how many articles carried it.
create or replace view topic_trends_weekly as
with

articles as (
    select article_id, published_at from main.articles where published_at is not null
),

topics as (
    select article_id, topic from main.article_topics
),

final as (
    select
        cast(date_trunc('week', articles.published_at) as date) as week_start,
        topics.topic,
        count(*) as articles
    from topics
    inner join articles using (article_id)
    group by all
)

select * from final
