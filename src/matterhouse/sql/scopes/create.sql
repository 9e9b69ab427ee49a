-- The keys whose rows an incremental build may change, one temp table per kind: the models
-- read them (sql/models/, where {everything} is false); a whole build leaves them empty.
-- sql/scopes/*.sql fill them in the order steps/maintain.py gives, each from what the
-- steps before it changed. A key too many costs a little time; a key too few, a wrong row.
create or replace temp table changed_named_ids (named_id varchar);
create or replace temp table scope_url_keys (url_key varchar);
create or replace temp table scope_named_ids (named_id varchar);
create or replace temp table changed_resolutions (named_id varchar);
create or replace temp table scope_articles (article_id varchar);
create or replace temp table scope_raw_article_ids (article_id varchar);
create or replace temp table scope_story_keys (story_key varchar);
create or replace temp table scope_published_articles (article_id varchar);
create or replace temp table scope_relations (article_id varchar);
create or replace temp table scope_providers (provider_id varchar);
create or replace temp table scope_files (source_file_id varchar);
create or replace temp table scope_checked_articles (article_id varchar)
