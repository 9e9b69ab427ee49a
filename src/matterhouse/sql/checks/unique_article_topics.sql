-- Holds when: (article_id, topic) is unique.
select article_id, topic, count(*) as copies from article_topics group by all having count(*) > 1
