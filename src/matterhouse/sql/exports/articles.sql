-- The articles Parquet dataset, one month at a time: Hive-style folders by publication
-- month (published_month=YYYY-MM, or =unknown without a publication time) so that readers
-- skip the months they filter out, each file sorted by publication time (and key) so that
-- row-group statistics prune too and the file is the same on every run. Sorting every
-- article at once would take memory in proportion to the corpus; a month's do not.
copy (
    select
        article_id, url, title, excerpt, published_at, updated_at, provider_id, category, type, quality, heat,
        is_published, amp_url, cdn_amp_url, secured, body, has_source_file, source_path, source_file_id, extra,
        story_id
    from articles
    where date_trunc('month', published_at) is not distinct from $month_start
    order by published_at, article_id
) to $file (format parquet, compression zstd)
