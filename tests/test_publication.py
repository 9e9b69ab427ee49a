"""Publishing to a folder (the same code as S3, through fsspec's local file system), the
readers' views file, the staging area's completeness check, and the new settings."""

import json
import shutil
import subprocess
import sys

import duckdb
import pyarrow.parquet as pq
import pytest

import matterhouse
from matterhouse.plumbing.settings import ConfigurationError, resolve
from matterhouse.plumbing.storage import Location, StorageError, parse_storage_options
from matterhouse.steps import publish, staging_area
from matterhouse.store import publication
from matterhouse.store.tables import PUBLISHED_TABLES

from .conftest import CASES, query
from .incremental_helpers import write_article


def test_read_table_gives_each_published_table_as_the_warehouse_has_it(tmp_path):
    published = tmp_path / "published"
    result = matterhouse.run([CASES / "examples" / "input"], tmp_path / "warehouse", publish=published)

    assert "published  " in str(result)
    for table in PUBLISHED_TABLES:
        dataset = matterhouse.read_table(table, published)
        assert dataset.count_rows() == query(tmp_path / "warehouse", f"select count(*) from {table}")[0][0], table
    articles = matterhouse.read_table("articles", published)
    assert "published_month" in articles.schema.names  # Hive partitions, as in warehouse/parquet/articles
    assert sorted(articles.to_table()["article_id"].to_pylist()) == [
        row[0] for row in query(tmp_path / "warehouse", "select article_id from articles order by article_id")
    ]


def test_each_run_is_a_manifest_and_unchanged_tables_keep_their_files(tmp_path):
    source, published = tmp_path / "news", tmp_path / "published"
    write_article(source, "a.md", "https://example.com/a", "First")
    first = matterhouse.run([source], tmp_path / "warehouse", publish=published)
    uploaded = {path: path.stat().st_mtime_ns for path in (published / "tables").rglob("*.parquet")}
    write_article(source, "a.md", "https://example.com/a", "First, edited")
    second = matterhouse.run([source], tmp_path / "warehouse", publish=published)

    pointer = json.loads((published / "_current.json").read_text())
    assert pointer == {"version": 2, "run_id": second.run_id}
    manifests = [json.loads(path.read_text()) for path in sorted((published / "_manifests").iterdir())]
    assert [manifest["run_id"] for manifest in manifests] == [first.run_id, second.run_id]
    old, new = (manifest["tables"] for manifest in manifests)
    assert new["providers"] == old["providers"], "an unchanged table keeps its files"
    assert new["articles"]["folder"] == "tables/articles"
    assert set(new["articles"]["files"]).isdisjoint(old["articles"]["files"]), "a changed part is a new file"
    kept_files = [path for path in uploaded if path.exists()]
    assert kept_files and all(path.stat().st_mtime_ns == uploaded[path] for path in kept_files), "uploaded once"
    titles = {
        run.run_id: matterhouse.read_table("articles", published, run=run.run_id).to_table()["title"].to_pylist()
        for run in (first, second)
    }
    assert titles == {first.run_id: ["First"], second.run_id: ["First, edited"]}


def test_keep_runs_drops_older_manifests_and_the_files_only_they_listed(tmp_path):
    source, published = tmp_path / "news", tmp_path / "published"
    runs = []
    for number in range(3):
        write_article(source, f"{number}.md", f"https://example.com/{number}", f"Story {number}")
        runs.append(matterhouse.run([source], tmp_path / "warehouse", publish=published, keep_runs=2))

    kept = [json.loads(path.read_text()) for path in (published / "_manifests").iterdir()]
    assert sorted(manifest["run_id"] for manifest in kept) == sorted(run.run_id for run in runs[1:])
    listed = {
        f"{entry['folder']}/{name}" for manifest in kept for entry in manifest["tables"].values() for name in entry["files"]
    }
    on_disk = {path.relative_to(published).as_posix() for path in (published / "tables").rglob("*.parquet")}
    assert on_disk == listed, "files only the dropped manifest listed are deleted"
    assert matterhouse.read_table("articles", published, run=runs[1].run_id).count_rows() == 2
    with pytest.raises(publication.RunNotKept, match=r"is not among the 2 runs kept .* raise --keep-runs"):
        matterhouse.read_table("articles", published, run=runs[0].run_id)


def test_a_manifest_is_created_once_only(tmp_path):
    fs, root = Location.of(tmp_path).filesystem()
    publish._create_exclusively(fs, f"{root}/0000000001.json", b"{}")
    with pytest.raises(publish.PublishConflict, match="created by another writer"):
        publish._create_exclusively(fs, f"{root}/0000000001.json", b"{}")


def test_a_publish_cut_short_before_its_pointer_leaves_readers_on_the_previous_run(tmp_path, monkeypatch):
    source, published = tmp_path / "news", tmp_path / "published"
    write_article(source, "a.md", "https://example.com/a", "First")
    first = matterhouse.run([source], tmp_path / "warehouse", publish=published)
    write_article(source, "b.md", "https://example.com/b", "Second")

    def pointer_fails(fs, path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish, "_replace", pointer_fails)
    with pytest.raises(StorageError, match=r"^the run is committed, but cannot publish to .*the next run publishes there again$"):
        matterhouse.run([source], tmp_path / "warehouse", publish=published)
    assert publication.manifest(str(published))["run_id"] == first.run_id
    assert matterhouse.read_table("articles", published).count_rows() == 1
    assert query(tmp_path / "warehouse", "select count(*) from articles")[0][0] == 2  # committed and published locally
    assert (tmp_path / "warehouse" / "parquet").resolve().is_dir()

    monkeypatch.undo()
    third = matterhouse.run([source], tmp_path / "warehouse", publish=published)
    assert publication.manifest(str(published))["run_id"] == third.run_id
    assert matterhouse.read_table("articles", published).count_rows() == 2
    assert json.loads((published / "_current.json").read_text())["version"] == 3  # the orphan manifest 2 is skipped


def test_a_cleanup_that_fails_after_the_pointer_says_the_run_is_published(tmp_path, monkeypatch):
    source, published = tmp_path / "news", tmp_path / "published"
    write_article(source, "a.md", "https://example.com/a", "First")
    matterhouse.run([source], tmp_path / "warehouse", publish=published)
    write_article(source, "a.md", "https://example.com/a", "Second")

    def cleanup_fails(*arguments):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(publish, "_remove_unlisted_files", cleanup_fails)
    with pytest.raises(
        StorageError,
        match=r"^the run is committed and published, but cannot remove older runs from .*: .*Input/output error.*; "
        r"the next run tries again$",
    ):
        matterhouse.run([source], tmp_path / "warehouse", publish=published)
    assert matterhouse.read_table("articles", published).to_table()["title"].to_pylist() == ["Second"]


def test_read_table_says_what_to_do_before_anything_is_published(tmp_path):
    with pytest.raises(StorageError, match=r"nothing is published at .*run matterhouse with --publish"):
        matterhouse.read_table("articles", tmp_path)


def test_the_views_file_reads_the_current_tables_and_follows_a_moved_warehouse(tmp_path):
    source = tmp_path / "news"
    write_article(source, "a.md", "https://example.com/a", "First")
    matterhouse.run([source], tmp_path / "warehouse")
    moved = tmp_path / "moved"
    shutil.move(tmp_path / "warehouse", moved)
    write_article(source, "b.md", "https://example.com/b", "Second")
    matterhouse.run([source], moved)

    with duckdb.connect(str(moved / "views.duckdb"), read_only=True) as views:
        assert views.execute("select count(*) from articles").fetchall() == [(2,)]
        assert views.execute("select count(*) from rejected_files").fetchall() == [(0,)]
        definitions = views.execute("select sql from duckdb_views() where view_name = 'articles'").fetchall()[0][0]
        tables = {name for (name,) in views.execute("select table_name from duckdb_tables()").fetchall()}
    assert str(moved / "parquet" / "articles") in definitions and str(tmp_path / "warehouse") not in definitions
    assert not tables, "the views file holds no data of its own"


def test_an_empty_warehouse_still_has_an_articles_dataset(tmp_path):
    (tmp_path / "news").mkdir()
    matterhouse.run([tmp_path / "news"], tmp_path / "warehouse", allow_empty_source=True)
    (month,) = (tmp_path / "warehouse" / "parquet" / "articles").iterdir()
    assert month.name == "published_month=unknown"
    (empty,) = month.glob("*.parquet")
    assert pq.read_table(empty).num_rows == 0
    with duckdb.connect(str(tmp_path / "warehouse" / "views.duckdb"), read_only=True) as views:
        assert views.execute("select count(*) from articles").fetchall() == [(0,)]


def test_workers_writing_where_the_loader_cannot_read_fail_the_run_before_the_load(tmp_path):
    """Dask workers on other machines given no shared --staging write to their own disks."""
    from matterhouse.steps.run import Steps, execute_run

    class WorkersElsewhere(Steps):
        def parse(self, plan, staging, options):
            return super().parse(plan, Location.of(tmp_path / "another-machine"), options)

    matterhouse.run([CASES / "examples" / "input"], tmp_path / "warehouse")
    before = query(tmp_path / "warehouse", "select count(*) from etl_runs")
    options = resolve([CASES / "examples" / "input"], tmp_path / "warehouse", full_refresh=True, environ={})
    with pytest.raises(staging_area.StagingIncomplete, match=r"^0 of 1 staged batches of files reached .*--staging"):
        execute_run(options, "stray-run", WorkersElsewhere())
    assert query(tmp_path / "warehouse", "select count(*) from etl_runs") == before


def test_locations_and_storage_options_resolve(tmp_path):
    options = resolve(
        ["s3://bucket/news/", tmp_path, "s3://bucket/news"],
        tmp_path / "warehouse",
        storage_options=["endpoint_url=http://127.0.0.1:9000", "anon=true", 'client_kwargs={"region_name": "eu"}'],
        publish="s3://bucket/tables/",
        staging=f"file://{tmp_path}/staging",
        environ={},
    )
    assert [(source.text, source.is_url) for source in options.sources] == [("s3://bucket/news", True), (str(tmp_path), False)]
    assert all(source.storage_options == options.storage_options for source in options.sources)
    assert options.storage_options == {
        "endpoint_url": "http://127.0.0.1:9000",
        "anon": True,
        "client_kwargs": {"region_name": "eu"},
    }
    assert options.publish == Location("s3://bucket/tables", True) and options.staging == Location(
        str(tmp_path / "staging"), False
    )
    assert options.keep_runs == 10 and options.dask_address is None
    urls_and_folders = resolve(environ={"MATTERHOUSE_SOURCE": f"s3://bucket/news:{tmp_path}:memory://other/x"})
    assert [str(source) for source in urls_and_folders.sources] == ["s3://bucket/news", str(tmp_path), "memory://other/x"]
    environment = {"MATTERHOUSE_DASK_ADDRESS": "tcp://10.0.0.5:8786", "MATTERHOUSE_KEEP_RUNS": "3",
                   "MATTERHOUSE_STORAGE_OPTIONS": '{"anon": true}'}  # fmt: skip
    from_environment = resolve([tmp_path], environ=environment)
    assert (from_environment.dask_address, from_environment.keep_runs) == ("tcp://10.0.0.5:8786", 3)
    assert from_environment.storage_options == {"anon": True}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"sources": ["s3://bucket/news", "s3://bucket/news/2024"]}, "is inside source s3://bucket/news"),
        ({"sources": ["nosuchprotocol://bucket/news"]}, "cannot read nosuchprotocol://bucket/news: .*"),
        ({"sources": ["gs://bucket/news"]}, r"^cannot read gs://bucket/news: Please install gcsfs"),
        ({"keep_runs": 0}, "keep at least the current run"),
        ({"storage_options": ["endpoint_url"]}, "is not key=value"),
    ],
)
def test_bad_locations_are_refused_with_what_to_do(tmp_path, arguments, message):
    arguments = {"sources": [tmp_path], **arguments}
    with pytest.raises((ConfigurationError, StorageError), match=message):
        resolve(environ={}, **arguments)


def test_a_bad_storage_options_variable_says_what_it_must_be():
    with pytest.raises(StorageError, match="is not a JSON object"):
        parse_storage_options(None, "endpoint_url=x")


READER = """
import sys, duckdb
views = duckdb.connect(sys.argv[1], read_only=True)
for line in sys.stdin:
    print(views.execute("select count(*) from articles").fetchall()[0][0], flush=True)
"""


@pytest.mark.slow
def test_a_reader_holding_the_views_file_open_never_blocks_a_run_and_sees_each_one(tmp_path):
    source = tmp_path / "news"
    write_article(source, "0.md", "https://example.com/0", "Story 0")
    matterhouse.run([source], tmp_path / "warehouse", lock_timeout=0)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(tmp_path / "warehouse" / "views.duckdb")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        counts = []
        for number in range(1, 4):
            reader.stdin.write("count\n")
            reader.stdin.flush()
            counts.append(int(reader.stdout.readline()))
            write_article(source, f"{number}.md", f"https://example.com/{number}", f"Story {number}")
            matterhouse.run([source], tmp_path / "warehouse", lock_timeout=0)  # would fail at once on a lock
        reader.stdin.write("count\n")
        reader.stdin.flush()
        counts.append(int(reader.stdout.readline()))
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    assert counts == [1, 2, 3, 4]


def test_polars_pandas_and_duckdb_read_a_published_table_as_the_readme_shows(tmp_path):
    import polars

    published = tmp_path / "published"
    result = matterhouse.run([CASES / "examples" / "input"], tmp_path / "warehouse", publish=published)
    articles = matterhouse.read_table("articles", published)

    assert polars.scan_pyarrow_dataset(articles).collect().height == result.rows["articles"]
    assert len(articles.to_table().to_pandas()) == result.rows["articles"]
    assert duckdb.sql("select count(*) from articles").fetchall() == [(result.rows["articles"],)]


def test_a_staging_folder_is_read_in_place_and_only_run_areas_are_cleared(tmp_path):
    staging = tmp_path / "staging"
    (staging / "matterhouse-run-interrupted" / "files").mkdir(parents=True)
    (staging / "keep-me.txt").write_text("not ours")
    result = matterhouse.run([CASES / "examples" / "input"], tmp_path / "warehouse", staging=staging)
    assert result.status == "succeeded" and result.rows["articles"] > 0
    assert sorted(path.name for path in staging.iterdir()) == ["keep-me.txt"]


def test_read_table_takes_a_file_url(tmp_path):
    published = tmp_path / "published"
    result = matterhouse.run([CASES / "examples" / "input"], tmp_path / "warehouse", publish=f"file://{published}")
    assert matterhouse.read_table("articles", f"file://{published}").count_rows() == result.rows["articles"]


def test_a_prefect_flow_refuses_secrets_among_its_parameters(tmp_path):
    from matterhouse.flows.pipeline import flow_parameters

    options = resolve([tmp_path], tmp_path / "warehouse", storage_options=["endpoint_url=http://x", "secret=abc"], environ={})
    with pytest.raises(
        ConfigurationError, match=r"storage option secret would be stored in plain text .* through the environment"
    ):
        flow_parameters(options)
    assert flow_parameters(resolve([tmp_path], storage_options=["endpoint_url=http://x"], environ={}))["storage_options"] == {
        "endpoint_url": "http://x"
    }


def test_a_bad_keep_runs_variable_says_what_it_must_be(tmp_path):
    with pytest.raises(ConfigurationError, match="MATTERHOUSE_KEEP_RUNS='abc' is not a whole number"):
        resolve([tmp_path], environ={"MATTERHOUSE_KEEP_RUNS": "abc"})


def test_read_table_reads_a_warehouse_folder_now_and_as_of_a_kept_run(tmp_path):
    source, warehouse = tmp_path / "news", tmp_path / "warehouse"
    write_article(source, "a.md", "https://example.com/a", "First")
    first = matterhouse.run([source], warehouse)
    write_article(source, "b.md", "https://example.com/b", "Second")
    matterhouse.run([source], warehouse)

    assert matterhouse.read_table("articles", warehouse).count_rows() == 2
    assert matterhouse.read_table("articles", str(warehouse), run=first.run_id).to_table()["title"].to_pylist() == ["First"]
    assert matterhouse.read_table("providers", warehouse).count_rows() == query(warehouse, "select count(*) from providers")[0][0]
    assert "published_month" in matterhouse.read_table("articles", warehouse).schema.names
    with pytest.raises(StorageError, match=r"^no table 'nope' is in the warehouse .*; tables: article_relations, "):
        matterhouse.read_table("nope", warehouse)


@pytest.mark.parametrize("inside", ["", "published"])
def test_publish_refuses_the_warehouse_folder_and_what_is_inside_it(tmp_path, inside):
    warehouse = tmp_path / "warehouse"
    with pytest.raises(
        ConfigurationError, match=r"is the warehouse folder or inside it, .*publish to a folder or URL of its own$"
    ):
        resolve([tmp_path], warehouse, publish=warehouse / inside, environ={})
