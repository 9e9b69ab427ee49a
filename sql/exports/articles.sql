-- The articles Parquet dataset: every column, sorted by its key for deterministic files.
copy (
    select article_id, url, title, excerpt, published_at, updated_at, provider_id, category, type, quality, heat, is_published, amp_url, cdn_amp_url, secured, body, has_source_file, source_path, source_file_id, extra
    from articles
    order by article_id
) to $path (format parquet, compression zstd)
