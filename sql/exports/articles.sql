-- The articles Parquet dataset, step 1: Hive-partitioned by publication month
-- (published_month=YYYY-MM, or =unknown without a publication time) so that readers skip
-- the months they filter out. Written unsorted: sorting every article at once would take
-- memory in proportion to the corpus; exports/articles_month.sql sorts each month.
-- Uncompressed: these files are read once, right away, and deleted.
copy (
    select
        article_id, url, title, excerpt, published_at, updated_at, provider_id, category, type, quality, heat,
        is_published, amp_url, cdn_amp_url, secured, body, has_source_file, source_path, source_file_id, extra,
        coalesce(strftime(published_at, '%Y-%m'), 'unknown') as published_month
    from articles
) to $path (format parquet, compression uncompressed, partition_by (published_month), overwrite_or_ignore)
