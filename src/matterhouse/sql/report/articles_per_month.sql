-- Report: articles per publication month (UTC), every month from the first to the last,
-- so that a month without articles is a row of zeros and not a missing row.
with

articles as (
    select cast(date_trunc('month', published_at) as date) as month, has_source_file
    from main.articles
    where published_at is not null
),

months as (
    select cast(unnest(generate_series(min(month), max(month), interval 1 month)) as date) as month
    from articles
),

counts as (
    select month, count(*) as articles, count(*) filter (where has_source_file) as with_source_file
    from articles
    group by month
),

final as (
    select months.month, coalesce(counts.articles, 0) as articles, coalesce(counts.with_source_file, 0) as with_source_file
    from months
    left join counts using (month)
)

select month, articles, with_source_file from final
order by month
