-- Holds when: each loaded file's article exists, has a source file and points back to it.
select files.path, files.article_id from source_files as files
left join articles on articles.article_id = files.article_id
where ({everything} or files.source_file_id in (select source_file_id from scope_files))
  and files.status = 'loaded'
  and (articles.article_id is null
       or not articles.has_source_file
       or articles.source_file_id is distinct from files.source_file_id)
