-- From matterhouse 0.1.0, whose staging tables took their columns from the first run's
-- Parquet: staging.files records the parse-rule version each file was read with (0 for
-- the files read before versions were recorded, so the next run reads them again), and
-- the staging keys are declared not null, as sql/state/schema/ now creates them. Tables
-- that 0.1.0 had not created yet are created by the DDL afterwards; staging.last_checks,
-- which 0.1.0 recreated from a query, gets its not-null columns back.
alter table if exists staging.files add column parse_rules integer default 0;
alter table if exists staging.files alter column parse_rules drop default;
alter table if exists staging.files alter column parse_rules set not null;
alter table if exists staging.files alter column source_file_id set not null;
alter table if exists staging.files alter column source set not null;
alter table if exists staging.files alter column path set not null;
alter table if exists staging.files alter column size_bytes set not null;
alter table if exists staging.files alter column modified_at set not null;
alter table if exists staging.files alter column run_id set not null;
alter table if exists staging.article_versions alter column version_id set not null;
alter table if exists staging.article_versions alter column source_file_id set not null;
alter table if exists staging.article_versions alter column article_id set not null;
alter table if exists staging.article_versions alter column url set not null;
alter table if exists staging.version_images alter column version_id set not null;
alter table if exists staging.version_images alter column source_file_id set not null;
alter table if exists staging.version_images alter column position set not null;
alter table if exists staging.version_images alter column url set not null;
alter table if exists staging.version_topics alter column version_id set not null;
alter table if exists staging.version_topics alter column source_file_id set not null;
alter table if exists staging.version_topics alter column topic set not null;
alter table if exists staging.version_relations alter column version_id set not null;
alter table if exists staging.version_relations alter column source_file_id set not null;
alter table if exists staging.version_relations alter column related_article_id set not null;
alter table if exists staging.version_relations alter column position set not null;
alter table if exists staging.file_warnings alter column source_file_id set not null;
alter table if exists staging.file_warnings alter column field set not null;
alter table if exists staging.file_warnings alter column message set not null;
alter table if exists staging.last_checks alter column fingerprint set not null;
alter table if exists staging.last_checks alter column run_id set not null;
