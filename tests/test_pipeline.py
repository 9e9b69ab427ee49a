"""End to end: real Prefect flow runs into a tmp_path warehouse, checked through the real
DuckDB file and the real Parquet datasets."""

import shutil

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from matterhouse.store.tables import MODEL_TABLES, PUBLISHED_TABLES
from matterhouse.transforms.normalize import stable_id

from .conftest import CASES, PROJECT_ROOT, build_warehouse, query, summary_lines, table_rows, visible_entries

SAMPLE = PROJECT_ROOT / "sample"
RUN_COLUMNS = {"run_id", "modified_at"}


@pytest.fixture(scope="module")
def sample_warehouse(tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("sample") / "warehouse"
    record = build_warehouse(SAMPLE, warehouse=warehouse)
    return record, warehouse


def test_the_seed_alone_gives_the_documented_counts(run_pipeline):
    record, warehouse = run_pipeline(CASES / "seed" / "input")
    counts = {table: record[table] for table in ("articles", "providers", "images", "article_relations", "article_topics")}
    assert counts == {"articles": 4, "providers": 3, "images": 4, "article_relations": 3, "article_topics": 2}
    assert query(warehouse, "select has_source_file, count(*) from articles group by all order by 1") == [(False, 3), (True, 1)]


def test_the_sample_loads_with_rejections_and_warnings_recorded(sample_warehouse):
    record, warehouse = sample_warehouse
    assert record["status"] == "succeeded"
    assert record["files_seen"] == 245
    assert record["files_rejected"] == 3
    assert record["files_superseded"] == 5
    assert record["files_loaded"] == 237
    assert query(warehouse, "select count(*) from rejected_files") == [(3,)]
    assert query(warehouse, "select count(*) from data_warnings") == [(record["data_warnings"],)]
    assert query(warehouse, "select count(*) from source_files where path like '%.json'") == [(0,)]


def test_the_warehouse_folder_holds_one_database_and_one_dataset_per_table(sample_warehouse):
    _, warehouse = sample_warehouse
    assert visible_entries(warehouse) == ["matterhouse.duckdb", "parquet", "views.duckdb"]
    assert sorted(path.name for path in (warehouse / "parquet").iterdir()) == sorted(PUBLISHED_TABLES)
    single_file = [table for table in PUBLISHED_TABLES if table != "articles"]
    assert all(len(list((warehouse / "parquet" / table).iterdir())) == 1 for table in single_file)
    months = sorted(path.name for path in (warehouse / "parquet" / "articles").iterdir())
    assert months[0] == "published_month=2019-01" and all(name.startswith("published_month=") for name in months)


@pytest.mark.parametrize("table", PUBLISHED_TABLES)
def test_each_parquet_dataset_equals_its_duckdb_table(sample_warehouse, table):
    _, warehouse = sample_warehouse
    columns = [name for (name,) in query(warehouse, f"select column_name from (describe {table})")]
    rows = table_rows(warehouse, [table], skip=())[table]
    dataset = ds.dataset(warehouse / "parquet" / table, format="parquet").to_table()
    assert dataset.column_names == columns
    parquet_rows = [tuple(row[column] for column in columns) for row in dataset.to_pylist()]
    assert sorted(parquet_rows, key=repr) == rows
    assert len(rows) > 0


def test_parquet_columns_are_typed(sample_warehouse):
    _, warehouse = sample_warehouse
    schema = ds.dataset(warehouse / "parquet" / "articles", format="parquet").schema
    assert schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("quality").type == pa.int64()
    assert schema.field("is_published").type == pa.bool_()


def test_keys_are_hashes_of_natural_keys(sample_warehouse):
    _, warehouse = sample_warehouse
    articles = query(warehouse, "select article_id, url from articles")
    assert all(article_id == stable_id(url) for article_id, url in articles)
    providers = query(warehouse, "select provider_id, domain from providers")
    assert all(provider_id == stable_id(domain) for provider_id, domain in providers)


def test_foreign_keys_resolve_and_grains_are_unique(sample_warehouse):
    _, warehouse = sample_warehouse
    orphans = """
        select 'image' from images where article_id not in (select article_id from articles)
        union all select 'relation' from article_relations
            where article_id not in (select article_id from articles)
               or related_article_id not in (select article_id from articles)
        union all select 'topic' from article_topics where article_id not in (select article_id from articles)
        union all select 'provider' from articles
            where provider_id is not null and provider_id not in (select provider_id from providers)
        union all select 'loaded file' from source_files
            where status = 'loaded' and article_id not in (select article_id from articles where has_source_file)
    """
    assert query(warehouse, orphans) == []
    for table, key in MODEL_TABLES.items():
        assert query(warehouse, f"select {key} from {table} group by all having count(*) > 1") == [], table


def test_a_rerun_gives_the_same_tables_and_one_more_run_row(sample_warehouse, run_pipeline):
    record, warehouse = sample_warehouse
    before = table_rows(warehouse, MODEL_TABLES, RUN_COLUMNS)
    second, _ = run_pipeline(SAMPLE, warehouse=warehouse)
    after = table_rows(warehouse, MODEL_TABLES, RUN_COLUMNS)
    assert after == before
    assert second["run_id"] != record["run_id"]
    assert query(warehouse, "select count(*) from etl_runs") == [(2,)]
    assert query(warehouse, "select count(*) from check_results group by run_id") == [(21,), (21,)]
    assert query(warehouse, "select count(distinct run_id) from source_files") == [(1,)]


def test_the_same_files_in_another_place_give_the_same_tables(run_pipeline, tmp_path):
    # Only the columns that name the source folder may differ between machines.
    place_dependent = RUN_COLUMNS | {"source", "source_file_id"}
    first_source, second_source = tmp_path / "here", tmp_path / "somewhere" / "else"
    shutil.copytree(CASES / "examples" / "input", first_source)
    shutil.copytree(CASES / "examples" / "input", second_source)
    _, first = run_pipeline(first_source, warehouse=tmp_path / "one")
    _, second = run_pipeline(second_source, warehouse=tmp_path / "two")
    assert table_rows(first, MODEL_TABLES, place_dependent) == table_rows(second, MODEL_TABLES, place_dependent)


def test_several_sources_load_together(run_pipeline):
    record, warehouse = run_pipeline(CASES / "seed" / "input", CASES / "examples" / "input")
    assert record["files_seen"] == 5
    assert query(warehouse, "select count(distinct source) from source_files") == [(2,)]
    assert record["articles"] == 10


def test_an_empty_source_gives_empty_tables(run_pipeline, tmp_path):
    (tmp_path / "empty").mkdir()
    record, warehouse = run_pipeline(tmp_path / "empty", allow_empty_source=True)
    assert (record["files_seen"], record["articles"]) == (0, 0)
    assert ds.dataset(warehouse / "parquet" / "articles", format="parquet").count_rows() == 0


def test_only_listed_extensions_are_read(run_pipeline):
    record, warehouse = run_pipeline(CASES / "examples" / "input", extensions=["md"])
    assert record["files_seen"] == 2
    assert query(warehouse, "select path from source_files order by path") == [
        ("001_5e2c9a17d04b3f86.md",),
        ("004_9b3e61d2c8a04f57.md",),
    ]


def test_hidden_files_and_other_extensions_are_passed_over_not_rejected(run_pipeline):
    _, warehouse = run_pipeline(CASES / "rejects" / "input")
    paths = [path for (path,) in query(warehouse, "select path from source_files")]
    assert ".hidden.md" not in paths and "ignored.json" not in paths
    assert len(paths) == 15


def test_parallel_batches_give_the_same_warehouse(sample_warehouse, run_pipeline, tmp_path):
    _, one_batch = sample_warehouse
    record, many_batches = run_pipeline(SAMPLE, warehouse=tmp_path / "batches", batch_size=20)
    assert record["files_seen"] == 245
    assert table_rows(many_batches, MODEL_TABLES, RUN_COLUMNS) == table_rows(one_batch, MODEL_TABLES, RUN_COLUMNS)


def test_a_table_changed_by_hand_is_refused_with_a_way_out(run_pipeline):
    from matterhouse.store.schema import WarehouseSchemaError

    _, warehouse = run_pipeline(CASES / "seed" / "input")
    with duckdb.connect(str(warehouse / "matterhouse.duckdb")) as connection:
        connection.execute("alter table etl_runs drop column files_read")
        connection.execute("alter table parsed.files add column note varchar")
    with pytest.raises(WarehouseSchemaError) as raised:
        run_pipeline(CASES / "seed" / "input", warehouse=warehouse)
    assert str(raised.value) == (
        f"the warehouse {warehouse} has tables this matterhouse does not expect (main.etl_runs, parsed.files); "
        "if they were changed by hand, move the folder aside and run again to rebuild it from the sources"
    )


def test_downstream_readers_need_no_hints(sample_warehouse):
    import pandas
    import polars

    _, warehouse = sample_warehouse
    articles = warehouse / "parquet" / "articles"
    expected_columns = [name for (name,) in query(warehouse, "select column_name from (describe articles)")]
    count = query(warehouse, "select count(*) from articles")[0][0]

    frame = pandas.read_parquet(articles)
    assert len(frame) == count
    assert list(frame.columns) == [*expected_columns, "published_month"]  # the Hive partition, recovered
    assert str(frame["published_at"].dtype) == "datetime64[us, UTC]"
    assert str(frame["is_published"].dtype) == "object"  # booleans with nulls, as pandas keeps them

    table = polars.read_parquet(articles)
    assert table.height == count
    assert table.schema["published_at"] == polars.Datetime("us", "UTC")
    assert table.schema["heat"] == polars.Int64
    assert (
        polars.read_parquet(warehouse / "parquet" / "images" / "*.parquet").height
        == query(warehouse, "select count(*) from images")[0][0]
    )

    january = ds.dataset(articles, format="parquet", partitioning="hive").to_table(
        filter=ds.field("published_month") == "2020-02"
    )
    assert (
        january.num_rows
        == query(warehouse, "select count(*) from articles where strftime(published_at, '%Y-%m') = '2020-02'")[0][0]
    )


def test_one_core_parses_every_batch_in_process(sample_warehouse, run_pipeline, tmp_path, monkeypatch):
    _, one_batch = sample_warehouse
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    record, one_core = run_pipeline(SAMPLE, warehouse=tmp_path / "one-core", batch_size=20)
    assert record["files_read"] == 245
    assert table_rows(one_core, MODEL_TABLES, RUN_COLUMNS) == table_rows(one_batch, MODEL_TABLES, RUN_COLUMNS)


def test_the_summary_counts_in_words(run_pipeline, tmp_path):
    import matterhouse

    result = matterhouse.run([CASES / "seed" / "input"], tmp_path / "one")
    summary = str(result)
    assert "  warehouse  4 articles from 1 file, 0 superseded, 0 rejected; 0 warnings" in summary


def test_quick_stages_do_not_read_zero():
    from matterhouse.plumbing import words

    assert [words.seconds(value) for value in (0, 0.034, 0.1, 2.5)] == ["0.0 s", "0.03 s", "0.1 s", "2.5 s"]
    assert [words.count(number, "file") for number in (0, 1, 1500)] == ["0 files", "1 file", "1,500 files"]


def test_a_run_that_loads_nothing_says_so_and_why(tmp_path):
    import matterhouse

    notes = tmp_path / "notes"
    notes.mkdir()
    for number in range(3):
        (notes / f"{number}.md").write_text(f"just a note {number}\n", encoding="utf-8")
    summary = str(matterhouse.run([notes], tmp_path / "wh"))
    assert (
        "  nothing    loaded: every file was rejected, most often (3 files) because "
        "no front matter: the file must start with a '---' (YAML), '+++' (TOML) or '{' (JSON) line"
    ) in summary_lines(summary)
    empty = tmp_path / "empty"
    empty.mkdir()
    summary = str(matterhouse.run([empty], tmp_path / "wh-empty", allow_empty_source=True))
    assert "  nothing    loaded: no file in the sources has one of the extensions read (see --extensions)" in summary_lines(
        summary
    )
