-- url_resolutions rows to recompute: those of every id whose URL's key changed (a
-- resolution reads only the URLs that share its key, url_resolutions.sql). The changed
-- files' own ids are among them: each file names its URL with that URL's key.
insert into scope_named_ids
select named_id
from changed_named_ids
union
select file_articles.article_id
from parsed.file_article_urls as urls
inner join parsed.file_articles as file_articles using (file_article_id)
where urls.url_key in (select url_key from scope_url_keys)
  and urls.url = file_articles.url
