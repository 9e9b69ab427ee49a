-- Holds when: url is unique.
select url, count(*) as copies from articles group by url having count(*) > 1
