"""The warehouse store: the DuckDB file and its SQL (warehouse), its tables (tables,
schema), the run lock, the Parquet snapshots of each run, the readers' views file and the
layout of a publish location."""
