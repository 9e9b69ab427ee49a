-- Holds when: no key column is null.
-- dbt test: not_null articles.article_id
-- dbt test: not_null articles.url
-- dbt test: not_null articles.story_id
-- dbt test: not_null providers.provider_id
-- dbt test: not_null providers.domain
-- dbt test: not_null images.article_id
-- dbt test: not_null images.position
-- dbt test: not_null article_relations.article_id
-- dbt test: not_null article_relations.related_article_id
-- dbt test: not_null article_topics.article_id
-- dbt test: not_null article_topics.topic
-- dbt test: not_null article_urls.article_id
-- dbt test: not_null article_urls.url
-- dbt test: not_null source_files.source_file_id
-- dbt test: not_null source_files.path
select 'articles' as table_name, count(*) as null_keys from articles where article_id is null or url is null or story_id is null having count(*) > 0
union all select 'providers', count(*) from providers where provider_id is null or domain is null having count(*) > 0
union all select 'images', count(*) from images where article_id is null or position is null having count(*) > 0
union all select 'article_relations', count(*) from article_relations
    where article_id is null or related_article_id is null having count(*) > 0
union all select 'article_topics', count(*) from article_topics where article_id is null or topic is null having count(*) > 0
union all select 'article_urls', count(*) from article_urls where article_id is null or url is null having count(*) > 0
union all select 'source_files', count(*) from source_files where source_file_id is null or path is null having count(*) > 0
