-- Holds when: (article_id, position) is unique.
select article_id, position, count(*) as copies from images group by all having count(*) > 1
