-- The URL keys and article ids named by the files this run read again or deleted. Run
-- before their old rows are forgotten and again after their new rows are added, so that
-- what a file said and what it says now both count.
insert into scope_url_keys
select distinct url_key
from parsed.file_article_urls
where source_file_id in (select source_file_id from forgotten_files);

insert into changed_named_ids
select distinct article_id
from parsed.file_articles
where source_file_id in (select source_file_id from forgotten_files)
