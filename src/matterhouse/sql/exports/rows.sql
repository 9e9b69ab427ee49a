-- Rows of published table {table} to write into Parquet files: those of the file parts
-- {parts} names for which {rows} holds, each with its part ({part}: the bucket of its key,
-- and for articles its publication month: steps/export.py), and every column its DDL
-- declares, in that order. Sorted by part, then the table's EXPORT_ORDER, so that the same
-- rows make the same file and readers filtering on those columns skip row groups.
select {part} as part, {columns}
from {table}
where {parts} and {rows}
order by part, {order}
