-- The article_topics Parquet dataset: every column, sorted by its key for deterministic files.
copy (
    select article_id, topic
    from article_topics
    order by article_id, topic
) to $file (format parquet, compression zstd)
