-- Report: the ten providers with the most articles.
select coalesce(name, domain) as provider, domain, articles, round(mean_quality, 1) as mean_quality
from top_providers
order by rank_by_volume, domain
limit 10
