-- The article_relations Parquet dataset: every column, sorted by its key for deterministic files.
copy (
    select article_id, related_article_id, position
    from article_relations
    order by article_id, position
) to $file (format parquet, compression zstd)
