-- From matterhouse 0.2.0: the staging table of what each file says about each article is
-- named for that (article_versions is now the published headline history), and gains
-- the story key; articles gain story_id. New tables (staging.version_urls, article_urls,
-- article_versions) are created by the DDL afterwards. The parse rules changed with
-- them, so the next run reads every file again and fills the new columns.
alter table if exists staging.article_versions rename to file_articles;
alter table if exists staging.file_articles add column story_key varchar;
alter table if exists articles add column story_id varchar;
