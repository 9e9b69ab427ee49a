"""The read side, which never writes the warehouse: SQL queries, as-of queries over kept
runs, published tables, status, the HTML report and the generated schema docs."""
