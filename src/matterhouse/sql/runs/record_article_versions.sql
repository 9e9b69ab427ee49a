-- Adds the versions of articles this run's files hold that article_versions lacks, and
-- marks every version the files of those articles hold as seen by this run (last_seen_run):
-- the articles of the files it read again or deleted, or every article when it builds
-- everything. A run that changes nothing leaves every table, history included, as it was. A version is what a file of the article's own (not rejected; superseded
-- counts) says of its title, excerpt and updated_at: files that say the same thing are
-- one version (source_path: the first of their paths); a new updated_at with the same
-- title and excerpt is a new version, and a headline that returns to an earlier one with
-- the same updated_at is that earlier version, seen again. Related entries do not count: they are citations,
-- not the publisher's page. Versions no file holds any more keep their rows, also after
-- the article itself is gone from articles: this is the history no rebuild from the
-- current files could give. So every other published table equals a full build of the
-- final files, and article_versions holds that build's versions and the older ones. A
-- full refresh reads every file again and rebuilds the other tables; here it only marks
-- the versions still held as seen by it, and keeps the rest. To start the history afresh,
-- build a new warehouse folder. New versions come in as version 1; number_article_versions.sql
-- then numbers the articles that have more than one.
merge into article_versions as kept
using (
    select
        versions.article_id,
        versions.title,
        versions.excerpt,
        versions.updated_at,
        min(files.path) as source_path
    from parsed.file_articles as versions
    inner join parsed.files as files using (source_file_id)
    where files.reason is null and versions.embed_position is null
      and ({everything} or versions.article_id in (select named_id from changed_named_ids))
    group by versions.article_id, versions.title, versions.excerpt, versions.updated_at
) as seen
on kept.article_id = seen.article_id
    and kept.title is not distinct from seen.title
    and kept.excerpt is not distinct from seen.excerpt
    and kept.updated_at is not distinct from seen.updated_at
when matched then update set source_path = seen.source_path, last_seen_run = $run_id
when not matched then insert (article_id, version, title, excerpt, updated_at, source_path, first_seen_run, last_seen_run)
    values (seen.article_id, 1, seen.title, seen.excerpt, seen.updated_at, seen.source_path, $run_id, $run_id)
