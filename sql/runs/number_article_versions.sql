-- Numbers each article's versions 1, 2, ... in time order: by updated_at (a version
-- without one first), then by title and excerpt, so that the numbers are the same
-- however the versions arrived. Only rows whose number changes are written.
update article_versions
set version = numbered.version
from (
    select
        rowid as row_id,
        row_number() over (
            partition by article_id order by updated_at nulls first, title nulls first, excerpt nulls first
        ) as version
    from article_versions
) as numbered
where article_versions.rowid = numbered.row_id
  and article_versions.version <> numbered.version
