-- Holds when: each loaded file's article exists, has a source file and points back to it.
with

files as (
    select * from source_files where {everything} or source_file_id in (select source_file_id from scope_files)
),

articles as (
    select * from articles where {everything} or article_id in (select article_id from files)
)

select files.path, files.article_id from files
left join articles on articles.article_id = files.article_id
where files.status = 'loaded'
  and (articles.article_id is null
       or not articles.has_source_file
       or articles.source_file_id is distinct from files.source_file_id)
