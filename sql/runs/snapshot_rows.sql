-- One hash per key and one per whole row of {table}, to count what a rebuild changed.
insert into table_rows (side, table_name, key_hash, row_hash)
select $side, '{table}', hash({key}), hash({table})
from {table}
