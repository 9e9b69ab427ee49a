"""Publishing as Apache Iceberg tables (--table-format iceberg): each published table an
Iceberg table whose snapshots follow the runs, read here with pyiceberg; the readers
users install (polars, DuckDB's iceberg extension) are in test_iceberg_readers.py."""

import json
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyiceberg.transforms import MonthTransform

import matterhouse
from matterhouse.plumbing.settings import ConfigurationError, resolve
from matterhouse.plumbing.storage import StorageError
from matterhouse.steps.publish import publish_snapshot
from matterhouse.store import publication
from matterhouse.store.iceberg_tables import CATALOG_FILE, RUN_PROPERTY, IcebergTables
from matterhouse.store.schema import description
from matterhouse.store.tables import PUBLISHED_TABLES

from .iceberg_helpers import catalog, rows
from .incremental_helpers import write_article


def publish_runs(source, warehouse, published, **options):
    """Three runs: three articles; one edited, one added, one deleted; nothing changed."""
    for number in range(3):
        write_article(source, f"{number}.md", f"https://example.com/{number}", f"Story {number}")
    runs = [matterhouse.run([source], warehouse, publish=published, table_format="iceberg", **options)]
    write_article(source, "0.md", "https://example.com/0", "Story 0, edited")
    write_article(source, "3.md", "https://example.com/3", "Story 3")
    (source / "1.md").unlink()
    runs.append(matterhouse.run([source], warehouse, publish=published, table_format="iceberg", **options))
    runs.append(matterhouse.run([source], warehouse, publish=published, table_format="iceberg", **options))
    return runs


@pytest.fixture(scope="module")
def published_runs(tmp_path_factory):
    """Three runs published as Iceberg tables: (warehouse, publish folder, their results)."""
    folder = tmp_path_factory.mktemp("iceberg")
    warehouse, published = folder / "warehouse", folder / "published"
    return warehouse, published, publish_runs(folder / "news", warehouse, published)


def test_each_table_is_an_iceberg_table_equal_to_the_warehouse_at_each_kept_run(published_runs):
    warehouse, published, runs = published_runs
    tables = catalog(published)

    assert "as Iceberg tables matterhouse.* (or read it with" in " ".join(str(runs[-1]).split())  # wrapped at 80
    assert sorted(name for _, name in tables.list_tables("matterhouse")) == sorted(PUBLISHED_TABLES)
    for run in runs:
        entries = publication.manifest(published, run.run_id)["tables"]
        for name in PUBLISHED_TABLES:
            snapshot_id = entries[name]["iceberg"]["snapshot_id"]
            assert entries[name]["iceberg"]["table"] == f"matterhouse.{name}"
            iceberg = tables.load_table(("matterhouse", name)).scan(snapshot_id=snapshot_id).to_arrow()
            expected = matterhouse.read_table(name, warehouse, run=run.run_id).to_table()
            assert rows(iceberg) == rows(expected), (run.run_id, name)
    assert len(rows(tables.load_table("matterhouse.articles").scan().to_arrow())) == 3


def test_a_run_commits_only_the_tables_it_changed_with_its_run_id(published_runs):
    _, published, (first, second, unchanged) = published_runs
    tables = catalog(published)

    def snapshot_ids(run):
        entries = publication.manifest(published, run.run_id)["tables"]
        return {name: entry["iceberg"]["snapshot_id"] for name, entry in entries.items()}

    assert snapshot_ids(second)["providers"] == snapshot_ids(first)["providers"], "example.com is the provider still"
    assert snapshot_ids(second)["articles"] != snapshot_ids(first)["articles"]
    articles = tables.load_table("matterhouse.articles")
    assert articles.snapshot_by_id(snapshot_ids(second)["articles"]).summary[RUN_PROPERTY] == second.run_id
    # A run that changed no data table still records itself in the history tables.
    changed = {name for name, snapshot_id in snapshot_ids(unchanged).items() if snapshot_id != snapshot_ids(second)[name]}
    assert {"etl_runs", "check_results"} <= changed and not changed & {"articles", "providers", "images"}


def test_iceberg_tables_carry_the_column_docs_and_articles_are_partitioned_by_month(published_runs):
    _, published, _ = published_runs
    articles = catalog(published).load_table("matterhouse.articles")

    notes = description("articles").columns
    documented = {field.name: field.doc for field in articles.schema().fields if field.doc}
    assert documented == {name: note for name, note in notes.items() if name in documented} and documented
    assert set(documented) == set(notes) & {field.name for field in articles.schema().fields}
    [partition] = articles.spec().fields
    assert isinstance(partition.transform, MonthTransform)
    assert articles.schema().find_field(partition.source_id).name == "published_at"
    assert articles.properties["schema.name-mapping.default"]  # the files carry no field ids


def test_keep_runs_expires_older_snapshots_with_their_metadata_and_files(tmp_path):
    published = tmp_path / "published"
    runs = publish_runs(tmp_path / "news", tmp_path / "warehouse", published, keep_runs=1)
    tables = catalog(published)

    [kept] = [json.loads(path.read_text()) for path in (published / "_manifests").iterdir()]
    assert kept["run_id"] == runs[-1].run_id
    metadata, data = set(), set()
    for name, entry in kept["tables"].items():
        table = tables.load_table(("matterhouse", name))
        [snapshot] = table.snapshots()
        assert snapshot.snapshot_id == entry["iceberg"]["snapshot_id"], name
        manifests = snapshot.manifests(table.io)
        metadata |= {snapshot.manifest_list} | {manifest.manifest_path for manifest in manifests}
        data |= {entry.data_file.file_path for manifest in manifests for entry in manifest.fetch_manifest_entry(table.io)}
    listed = {str(published / entry["folder"] / name) for entry in kept["tables"].values() for name in entry["files"]}
    assert {str(path) for path in (published / "tables").rglob("*.avro")} == metadata, "expired snapshots' metadata goes"
    assert {str(path) for path in (published / "tables").rglob("*.parquet")} == listed >= data
    assert len(rows(tables.load_table("matterhouse.articles").scan().to_arrow())) == 3


def test_iceberg_settings_say_what_is_missing(tmp_path):
    with pytest.raises(ConfigurationError, match=r"lays out the --publish location: give --publish"):
        matterhouse.run([tmp_path], tmp_path / "warehouse", table_format="iceberg")
    with pytest.raises(ConfigurationError, match=r"need a catalog: .*pass --iceberg-catalog"):
        matterhouse.run([tmp_path], tmp_path / "warehouse", table_format="iceberg", publish="s3://bucket/news")
    with pytest.raises(ConfigurationError, match=r"--table-format 'delta' is not one of parquet, iceberg"):
        matterhouse.run([tmp_path], tmp_path / "warehouse", table_format="delta", publish=tmp_path / "published")


def test_a_catalog_that_cannot_be_opened_stops_the_run_before_it_changes_anything(tmp_path):
    write_article(tmp_path / "news", "a.md", "https://example.com/a", "A")
    with pytest.raises(StorageError) as raised:
        matterhouse.run(
            [tmp_path / "news"],
            tmp_path / "warehouse",
            publish=tmp_path / "published",
            table_format="iceberg",
            iceberg_catalog="not-configured",
        )
    message = str(raised.value)
    assert message.startswith("cannot open the Iceberg catalog not-configured: ValueError: URI missing")
    assert message.endswith("(nothing changed)") and "\n" not in message
    assert not (tmp_path / "warehouse" / "matterhouse.duckdb").exists()


def test_a_column_a_newer_release_adds_joins_the_iceberg_table(tmp_path):
    published = tmp_path / "published"
    options = resolve(warehouse=tmp_path / "warehouse", publish=published, table_format="iceberg")

    def publish_providers(run_id: str, columns: dict) -> int:
        folder = tmp_path / run_id / "providers"
        folder.mkdir(parents=True)
        pq.write_table(pa.table(columns), folder / f"part-00000-{run_id}.parquet")
        manifest = publish_snapshot(folder.parent, run_id, options.publish, 10, IcebergTables(options))
        return manifest["tables"]["providers"]["iceberg"]["snapshot_id"]

    before = publish_providers("run1", {"provider_id": ["p1"], "domain": ["one.example"]})
    publish_providers("run2", {"provider_id": ["p1", "p2"], "domain": ["one.example", "two.example"], "name": ["One", "Two"]})

    providers = catalog(published).load_table("matterhouse.providers")
    assert [field.name for field in providers.schema().fields] == ["provider_id", "domain", "name"]
    assert providers.schema().find_field("name").doc == description("providers").columns["name"]
    assert rows(providers.scan().to_arrow()) == [("one.example", "One", "p1"), ("two.example", "Two", "p2")]
    assert rows(providers.scan(snapshot_id=before).to_arrow()) == [("one.example", "p1")]


def test_a_table_left_without_its_name_mapping_is_mended_by_the_next_run(tmp_path):
    source, warehouse, published = tmp_path / "news", tmp_path / "warehouse", tmp_path / "published"
    write_article(source, "a.md", "https://example.com/a", "A")
    matterhouse.run([source], warehouse, publish=published, table_format="iceberg")
    with catalog(published).load_table("matterhouse.articles").transaction() as transaction:
        transaction.remove_properties("schema.name-mapping.default")
    matterhouse.run([source], warehouse, publish=published, table_format="iceberg")
    assert len(rows(catalog(published).load_table("matterhouse.articles").scan().to_arrow())) == 1


def test_a_location_keeps_the_table_format_and_namespace_it_was_published_in(tmp_path):
    source, warehouse, published = tmp_path / "news", tmp_path / "warehouse", tmp_path / "published"
    write_article(source, "a.md", "https://example.com/a", "A")
    matterhouse.run([source], warehouse, publish=published, table_format="iceberg")
    write_article(source, "b.md", "https://example.com/b", "B")
    with pytest.raises(StorageError, match=r"holds Iceberg tables \(matterhouse\): publish there with --table-format iceberg"):
        matterhouse.run([source], warehouse, publish=published)
    with pytest.raises(StorageError, match=r"of namespace matterhouse, not news: publish there with the same"):
        matterhouse.run([source], warehouse, publish=published, table_format="iceberg", iceberg_namespace="news")
    assert matterhouse.read_table("articles", warehouse).count_rows() == 1, "refused before the load: nothing changed"


def test_a_catalog_whose_table_holds_another_locations_files_is_refused(tmp_path):
    source, first, second = tmp_path / "news", tmp_path / "first", tmp_path / "second"
    write_article(source, "a.md", "https://example.com/a", "A")
    matterhouse.run([source], tmp_path / "warehouse", publish=first, table_format="iceberg")
    second.mkdir()
    shutil.copy(first / CATALOG_FILE, second / CATALOG_FILE)  # one catalog, two locations
    with pytest.raises(StorageError, match=r"holds the files of .*first/tables/article_relations, not of .*second/"):
        matterhouse.run([source], tmp_path / "warehouse", publish=second, table_format="iceberg")
    assert len(rows(catalog(first).load_table("matterhouse.articles").scan().to_arrow())) == 1


def test_a_tagged_snapshot_outlives_keep_runs_with_its_files(tmp_path):
    source, warehouse, published = tmp_path / "news", tmp_path / "warehouse", tmp_path / "published"
    write_article(source, "a.md", "https://example.com/a", "A")
    matterhouse.run([source], warehouse, publish=published, table_format="iceberg", keep_runs=1)
    articles = catalog(published).load_table("matterhouse.articles")
    tagged = articles.current_snapshot().snapshot_id
    articles.manage_snapshots().create_tag(tagged, "audit").commit()
    for title in ("A, edited", "A, edited again"):
        write_article(source, "a.md", "https://example.com/a", title)
        matterhouse.run([source], warehouse, publish=published, table_format="iceberg", keep_runs=1)

    articles = catalog(published).load_table("matterhouse.articles")
    assert [row["title"] for row in articles.scan(snapshot_id=tagged).to_arrow().to_pylist()] == ["A"]
    assert [row["title"] for row in articles.scan().to_arrow().to_pylist()] == ["A, edited again"]
    assert len(articles.snapshots()) == 2


def test_a_column_type_a_newer_release_widens_is_promoted_and_one_it_changes_is_refused(tmp_path):
    published = tmp_path / "published"
    options = resolve(warehouse=tmp_path / "warehouse", publish=published, table_format="iceberg")

    def publish_versions(run_id: str, version: pa.Array):
        folder = tmp_path / run_id / "article_versions"
        folder.mkdir(parents=True)
        pq.write_table(pa.table({"article_id": ["a"], "version": version}), folder / f"part-00000-{run_id}.parquet")
        publish_snapshot(folder.parent, run_id, options.publish, 10, IcebergTables(options))

    publish_versions("run1", pa.array([1], pa.int32()))
    publish_versions("run2", pa.array([2], pa.int64()))
    versions = catalog(published).load_table("matterhouse.article_versions")
    assert str(versions.schema().find_field("version").field_type) == "long"
    assert rows(versions.scan().to_arrow()) == [("a", 2)]
    with pytest.raises(
        StorageError,
        match=r"the Iceberg table matterhouse.article_versions: .*Cannot change column type: version: long -> string",
    ):
        publish_versions("run3", pa.array(["three"], pa.string()))
