-- Numbers each article's versions 1, 2, ... in time order: by updated_at (a version
-- without one first), then by when a run first saw it (this run's last), then by title and
-- excerpt, so that a headline edited without a new updated_at follows the one it replaced.
-- Only rows whose number changes are written.
update article_versions
set version = numbered.version
from (
    select
        versions.rowid as row_id,
        row_number() over (
            partition by versions.article_id
            order by
                versions.updated_at nulls first,
                runs.started_at nulls last,
                versions.title nulls first,
                versions.excerpt nulls first
        ) as version
    from article_versions as versions
    left join etl_runs as runs on runs.run_id = versions.first_seen_run
    where {everything} or versions.article_id in (select named_id from changed_named_ids)
) as numbered
where article_versions.rowid = numbered.row_id
  and article_versions.version <> numbered.version
