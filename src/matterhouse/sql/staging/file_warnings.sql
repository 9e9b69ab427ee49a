-- Grain: one row per bad field value found in a file.
select
    source_file_id,
    field,
    raw_value,
    message
from read_parquet({files})
