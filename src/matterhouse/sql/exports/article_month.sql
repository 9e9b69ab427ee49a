-- One month of the articles dataset: Hive-style folders by publication month
-- (published_month=YYYY-MM, or =unknown without a publication time) so that readers skip
-- the months they filter out, each file in the table's EXPORT_ORDER. Sorting every article
-- at once would take memory in proportion to the corpus; a month's do not.
copy (
    select {columns}
    from articles
    where date_trunc('month', published_at) is not distinct from $month_start
    order by {order}
) to $file (format parquet, compression zstd)
