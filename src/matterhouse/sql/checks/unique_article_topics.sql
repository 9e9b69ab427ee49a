-- Holds when: (article_id, topic) is unique.
-- dbt test: unique article_topics (article_id, topic)
select article_id, topic, count(*) as copies from article_topics where {everything} or article_id in (select article_id from scope_checked_articles) group by all having count(*) > 1
