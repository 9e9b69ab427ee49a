"""matterhouse: folders of YAML front-matter news articles into a DuckDB warehouse and
Parquet datasets.

    import matterhouse
    result = matterhouse.run(["news/"], "warehouse")   # -> RunResult; print(result) summarizes
    db = matterhouse.connect("warehouse")              # read-only DuckDB connection

The names below load on first use, so that `matterhouse --version` and the CLI's start
stay quick.
"""

__version__ = "0.2.0"
__all__ = ["MatterhouseError", "RunResult", "__version__", "connect", "run"]


def __getattr__(name: str):
    if name in ("run", "connect", "RunResult"):
        from . import api

        return getattr(api, name)
    if name == "MatterhouseError":
        from .transforms.errors import MatterhouseError

        return MatterhouseError
    raise AttributeError(f"module 'matterhouse' has no attribute {name!r}")
