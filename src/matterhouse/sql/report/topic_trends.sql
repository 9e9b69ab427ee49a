-- Report: articles per publication month (UTC) for the five most frequent topics, every
-- month from the first dated article to the last (the months of articles_per_month), with
-- zeros where a topic has none, so that lines drop to zero instead of skipping a gap.
with

articles as (
    select article_id, cast(date_trunc('month', published_at) as date) as month
    from main.articles
    where published_at is not null
),

topics as (
    select article_id, topic from main.article_topics
),

top_topics as (
    select topic, count(*) as articles
    from topics
    group by topic
    order by articles desc, topic
    limit 5
),

months as (
    select cast(unnest(generate_series(min(month), max(month), interval 1 month)) as date) as month
    from articles
),

counts as (
    select articles.month, topics.topic, count(*) as articles
    from topics
    inner join articles using (article_id)
    group by all
),

final as (
    select months.month, top_topics.topic, coalesce(counts.articles, 0) as articles
    from months
    cross join top_topics
    left join counts on counts.month = months.month and counts.topic = top_topics.topic
)

select month, topic, articles from final
order by month, topic
