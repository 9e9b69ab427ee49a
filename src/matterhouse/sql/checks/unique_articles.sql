-- Holds when: article_id is unique (one row per article URL).
-- dbt test: unique articles.article_id
select article_id, count(*) as copies from articles where {everything} or article_id in (select article_id from scope_checked_articles) group by article_id having count(*) > 1
