-- Report: articles per month for the five most frequent topics.
with

top_topics as (
    select topic
    from article_topics
    group by topic
    order by count(*) desc, topic
    limit 5
),

final as (
    select strftime(date_trunc('month', week_start), '%Y-%m') as month, topic, sum(articles) as articles
    from topic_trends_weekly
    where topic in (select topic from top_topics)
    group by all
)

select * from final
order by month, topic
