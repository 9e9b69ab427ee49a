-- Holds when: no key column is null.
select 'articles' as table_name, count(*) as null_keys from articles where article_id is null or url is null or story_id is null having count(*) > 0
union all select 'providers', count(*) from providers where provider_id is null or domain is null having count(*) > 0
union all select 'images', count(*) from images where article_id is null or position is null having count(*) > 0
union all select 'article_relations', count(*) from article_relations
    where article_id is null or related_article_id is null having count(*) > 0
union all select 'article_topics', count(*) from article_topics where article_id is null or topic is null having count(*) > 0
union all select 'article_urls', count(*) from article_urls where article_id is null or url is null having count(*) > 0
union all select 'source_files', count(*) from source_files where source_file_id is null or path is null having count(*) > 0
