-- Holds when: (article_id, position) is unique.
-- dbt test: unique images (article_id, position)
select article_id, position, count(*) as copies from images where {everything} or article_id in (select article_id from scope_checked_articles) group by all having count(*) > 1
