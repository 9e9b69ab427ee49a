-- Holds when: article_id is unique (one row per article URL).
select article_id, count(*) as copies from articles group by article_id having count(*) > 1
