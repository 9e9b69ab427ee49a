"""Reading Iceberg tables published to a folder, for the tests that compare them with the
warehouse."""

from pyiceberg.catalog.sql import SqlCatalog

from matterhouse.store.iceberg_tables import CATALOG_FILE


def catalog(published):
    """The default catalog of a --publish folder, under the name matterhouse gives it."""
    return SqlCatalog("matterhouse", uri=f"sqlite:///{published / CATALOG_FILE}", warehouse=published.as_uri())


def rows(table) -> list[tuple]:
    """A table's rows in a stable order, without the Hive folder column (Iceberg keeps the
    month as a partition of published_at, not as a column)."""
    if "published_month" in table.column_names:
        table = table.drop_columns(["published_month"])
    names = sorted(table.column_names)
    return sorted((tuple(row[name] for name in names) for row in table.to_pylist()), key=repr)
