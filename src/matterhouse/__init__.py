"""matterhouse: folders of YAML front-matter news articles into a DuckDB warehouse and
Parquet datasets.

    import matterhouse
    result = matterhouse.run(["news/"], "warehouse")   # -> RunResult; print(result) summarizes
    db = matterhouse.connect("warehouse")              # read-only DuckDB connection
    articles = matterhouse.read_table("articles", "s3://bucket/news-tables")  # a published table

The names below load on first use, so that `matterhouse --version` and the CLI's start
stay quick.
"""

__version__ = "0.5.1"
__all__ = ["MatterhouseError", "RunResult", "__version__", "connect", "read_table", "run"]


def __getattr__(name: str):
    if name in ("run", "connect", "RunResult"):
        from matterhouse import api

        return getattr(api, name)
    if name == "read_table":
        from matterhouse.read.tables import read_table

        return read_table
    if name == "MatterhouseError":
        from matterhouse.transforms.errors import MatterhouseError

        return MatterhouseError
    raise AttributeError(f"module 'matterhouse' has no attribute {name!r}")
