-- The publication months of the articles dataset (exports/article_month.sql writes one file
-- each): the first instant of each month, and null for articles without a publication time.
select distinct date_trunc('month', published_at) as month_start
from articles
order by month_start nulls last
