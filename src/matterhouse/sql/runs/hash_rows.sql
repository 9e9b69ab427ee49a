-- One hash per key and one per whole row of {table} ({rows}: the table, or the rows of it a
-- build by key recomputes, before or after), to count what a build changed, with the file
-- part each row is published in ({part}, steps/export.py), to write only those parts again.
-- run_id (the run that last read a file) is left out: a file read again with the same
-- content is not a changed row.
insert into table_rows (side, table_name, key_hash, row_hash, part)
select $side, '{table}', hash({key}), hash(*columns(lambda name: name <> 'run_id')), {part}
from {rows}
