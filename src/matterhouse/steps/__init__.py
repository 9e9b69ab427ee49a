"""The run's steps, in order: scan the sources and plan (scan, plan), parse what changed
(parse, parse_worker; on a Dask cluster, cluster), load DuckDB in one transaction (load),
export the run's Parquet snapshot, publish it elsewhere (publish). run.py strings them
together; the CLI, `matterhouse.run` and the Prefect flow all call it."""
