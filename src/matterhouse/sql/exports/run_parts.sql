-- The file parts of history table {table} that hold rows this run wrote ({run_column} is
-- this run): appended to when the run only adds rows ({appends}).
select distinct {part} as part, {appends} as appends
from {table}
where {run_column} = $run_id
