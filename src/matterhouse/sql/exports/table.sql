-- A published table's Parquet file: every column its DDL declares, in that order, and the
-- rows in the table's EXPORT_ORDER (store/tables.py), so that the same rows make the same
-- file on every run and readers filtering on those columns skip row groups.
copy (
    select {columns}
    from {table}
    order by {order}
) to $file (format parquet, compression zstd)
