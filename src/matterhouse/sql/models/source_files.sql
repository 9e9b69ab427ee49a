-- Grain: one row per file of the sources, with what became of it.
-- Built by key: the changed files and every file of an article whose chosen file article may
-- have changed (sql/scopes/published.sql).
with

files as (
    select source_file_id, source, path, size_bytes, modified_at, content_hash, article_id, reason, run_id
    from parsed.files
    where {everything} or source_file_id in (select source_file_id from scope_files)
),

published as (
    -- The chosen file of each article these files hold, which need not be among them.
    select file_articles.article_id, file_articles.source_file_id, chosen_files.path
    from intermediate.chosen_file_articles as chosen
    inner join parsed.file_articles as file_articles using (file_article_id)
    inner join parsed.files as chosen_files using (source_file_id)
    where chosen.has_source_file
      and ({everything} or (chosen.article_id in (select article_id from files)
                            and chosen_files.article_id in (select article_id from files)))
),

final as (
    select
        files.source_file_id,
        files.source,
        files.path,
        case
            when files.reason is not null then 'rejected'
            when published.source_file_id = files.source_file_id then 'loaded'
            else 'superseded'
        end as status,
        case
            when files.reason is not null then files.reason
            when published.source_file_id <> files.source_file_id
                then 'superseded by ' || published.path || ', a newer version of the same webUrl'
        end as reason,
        files.article_id,
        files.size_bytes,
        files.modified_at,
        files.content_hash,
        files.run_id
    from files
    left join published using (article_id)
)

select * from final
