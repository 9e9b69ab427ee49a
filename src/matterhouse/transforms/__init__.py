"""Pure parsing and normalization: bytes and dicts in, records and Arrow tables out.

Nothing in this package touches Prefect, DuckDB or the file system.
"""
