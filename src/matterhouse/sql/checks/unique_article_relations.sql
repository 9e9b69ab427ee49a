-- Holds when: (article_id, related_article_id) is unique.
-- dbt test: unique article_relations (article_id, related_article_id)
select article_id, related_article_id, count(*) as copies from article_relations where {everything} or article_id in (select article_id from scope_relations) group by all having count(*) > 1
