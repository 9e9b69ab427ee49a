-- Report: articles per publication month (UTC), with how many have a file of their own.
select
    strftime(published_at, '%Y-%m') as month,
    count(*) as articles,
    count(*) filter (where has_source_file) as with_source_file
from articles
where published_at is not null
group by month
order by month
