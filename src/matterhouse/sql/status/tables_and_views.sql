-- Every table and view people query, for `matterhouse query --tables`.
select table_name as name, lower(replace(table_type, 'BASE ', '')) as kind
from information_schema.tables
where table_schema = 'main'
order by kind, name
