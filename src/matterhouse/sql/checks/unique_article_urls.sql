-- Holds when: (article_id, url) is unique in article_urls.
select article_id, url, count(*) as copies from article_urls group by article_id, url having count(*) > 1
