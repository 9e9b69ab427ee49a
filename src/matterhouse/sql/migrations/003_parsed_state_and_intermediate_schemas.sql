-- From matterhouse 0.3.0: the DuckDB schema `staging` held three kinds of table under a name
-- that means something else to dbt users. What each file said moves to `parsed`, with the
-- file's statement about an article named file_article (version meant the headline
-- history too); bookkeeping moves to `state`; the intermediate models, rebuilt by the next
-- run, to `intermediate`. DuckDB cannot move a table between schemas, so each is copied
-- whole and its NOT NULL columns declared again. A warehouse from 0.1.0 has no
-- version_urls and no bookkeeping yet: they are created empty first (every file is read
-- again after 002, and the upgrade's own records come after the migrations).
create schema if not exists parsed;
create schema if not exists state;
create schema if not exists intermediate;
create table if not exists staging.version_urls (
    version_id varchar, source_file_id varchar, url varchar, url_key varchar, kind varchar
);
create table if not exists staging.schema_migrations (
    version integer, description varchar, ddl_fingerprint varchar, columns_fingerprint varchar, applied_at timestamptz
);
create table if not exists staging.last_checks (fingerprint varchar, run_id varchar);
create table parsed.files as
select source_file_id, source, path, size_bytes, modified_at, content_hash, article_id, reason, parse_rules, run_id
from staging.files;
create table parsed.file_articles as select * rename (version_id as file_article_id) from staging.file_articles;
create table parsed.file_article_images as select * rename (version_id as file_article_id) from staging.version_images;
create table parsed.file_article_topics as select * rename (version_id as file_article_id) from staging.version_topics;
create table parsed.file_article_relations as select * rename (version_id as file_article_id) from staging.version_relations;
create table parsed.file_article_urls as select * rename (version_id as file_article_id) from staging.version_urls;
create table parsed.file_warnings as from staging.file_warnings;
create table state.schema_migrations as from staging.schema_migrations;
create table state.last_checks as from staging.last_checks;
alter table parsed.files alter column source_file_id set not null;
alter table parsed.files alter column source set not null;
alter table parsed.files alter column path set not null;
alter table parsed.files alter column size_bytes set not null;
alter table parsed.files alter column modified_at set not null;
alter table parsed.files alter column run_id set not null;
alter table parsed.files alter column parse_rules set not null;
alter table parsed.file_articles alter column file_article_id set not null;
alter table parsed.file_articles alter column source_file_id set not null;
alter table parsed.file_articles alter column article_id set not null;
alter table parsed.file_articles alter column url set not null;
alter table parsed.file_article_images alter column file_article_id set not null;
alter table parsed.file_article_images alter column source_file_id set not null;
alter table parsed.file_article_images alter column position set not null;
alter table parsed.file_article_images alter column url set not null;
alter table parsed.file_article_topics alter column file_article_id set not null;
alter table parsed.file_article_topics alter column source_file_id set not null;
alter table parsed.file_article_topics alter column topic set not null;
alter table parsed.file_article_relations alter column file_article_id set not null;
alter table parsed.file_article_relations alter column source_file_id set not null;
alter table parsed.file_article_relations alter column related_article_id set not null;
alter table parsed.file_article_relations alter column position set not null;
alter table parsed.file_article_urls alter column file_article_id set not null;
alter table parsed.file_article_urls alter column source_file_id set not null;
alter table parsed.file_article_urls alter column url set not null;
alter table parsed.file_article_urls alter column url_key set not null;
alter table parsed.file_article_urls alter column kind set not null;
alter table parsed.file_warnings alter column source_file_id set not null;
alter table parsed.file_warnings alter column field set not null;
alter table parsed.file_warnings alter column message set not null;
alter table state.schema_migrations alter column version set not null;
alter table state.schema_migrations alter column description set not null;
alter table state.schema_migrations alter column ddl_fingerprint set not null;
alter table state.schema_migrations alter column columns_fingerprint set not null;
alter table state.schema_migrations alter column applied_at set not null;
alter table state.last_checks alter column fingerprint set not null;
alter table state.last_checks alter column run_id set not null;
drop schema staging cascade;
