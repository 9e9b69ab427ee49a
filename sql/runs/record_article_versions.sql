-- Adds the versions of articles this run's files hold that article_versions lacks, and
-- marks every version the files hold as seen by this run. Versions no file holds any more
-- keep their rows: this is the history a full refresh cannot rebuild. A version is what a
-- file of the article's own (not rejected; superseded counts) says of its title, excerpt
-- and updated_at; files that say the same thing are one version.
merge into article_versions as kept
using (
    select
        versions.article_id,
        versions.title,
        versions.excerpt,
        versions.updated_at,
        min(files.path) as source_path
    from staging.file_articles as versions
    inner join staging.files as files using (source_file_id)
    where files.reason is null and versions.embed_position is null
    group by versions.article_id, versions.title, versions.excerpt, versions.updated_at
) as seen
on kept.article_id = seen.article_id
    and kept.title is not distinct from seen.title
    and kept.excerpt is not distinct from seen.excerpt
    and kept.updated_at is not distinct from seen.updated_at
when matched then update set source_path = seen.source_path, last_seen_run = $run_id
when not matched then insert (article_id, version, title, excerpt, updated_at, source_path, first_seen_run, last_seen_run)
    values (seen.article_id, 0, seen.title, seen.excerpt, seen.updated_at, seen.source_path, $run_id, $run_id)
