"""The parse workers' process set-up: what they import, and what their parsing leaves behind."""

import multiprocessing
import subprocess
import sys
import types
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb

from matterhouse.plumbing.settings import resolve
from matterhouse.plumbing.storage import Location
from matterhouse.steps import parse_worker
from matterhouse.steps.parse import _bare_main_module, parse_pool
from matterhouse.steps.plan import plan_files
from matterhouse.steps.scan import find_files
from matterhouse.store.schema import ensure_schema

ROOT = Path(__file__).resolve().parent.parent


def empty_warehouse() -> duckdb.DuckDBPyConnection:
    """An in-memory database with the warehouse's schema and nothing recorded."""
    connection = duckdb.connect()
    ensure_schema(connection, Path("in-memory"))
    return connection


# Asked of the worker with a builtin: a function of this module would import it, and Prefect.
PREFECT_IMPORTED = "'prefect' in __import__('sys').modules"
PANDAS_IMPORTED = "__import__('sys').modules.get('pandas') is not None"


def worker_imports_prefect(bare: bool) -> bool:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        if not bare:
            return pool.submit(eval, PREFECT_IMPORTED).result()
        with _bare_main_module():
            future = pool.submit(eval, PREFECT_IMPORTED)
        return future.result()


def test_workers_do_not_import_the_main_module(tmp_path, monkeypatch):
    """A main script that imports Prefect (as the CLI does) is not re-imported by workers."""
    script = tmp_path / "cli_like_main.py"
    script.write_text("import prefect\n", encoding="utf-8")
    main = types.ModuleType("__main__")
    main.__file__, main.__spec__ = str(script), None
    monkeypatch.setitem(sys.modules, "__main__", main)
    assert worker_imports_prefect(bare=False)  # what multiprocessing does on its own
    assert not worker_imports_prefect(bare=True)
    assert sys.modules["__main__"] is main


def test_parsing_leaves_no_reference_cycles(tmp_path):
    """The workers parse with the cyclic collector paused; that is safe only while
    parsing creates no cycles, so a collection afterwards must find nothing."""
    program = (
        "import gc, sys\n"
        "from pathlib import Path\n"
        "from matterhouse.steps.parse_worker import parse_batch\n"
        "from matterhouse.plumbing.settings import resolve\n"
        "from matterhouse.plumbing.storage import Location\n"
        "from matterhouse.steps.scan import find_files\n"
        "from matterhouse.steps.plan import plan_files\n"
        "from matterhouse.store.schema import ensure_schema\n"
        "import duckdb\n"
        "found = find_files(Path(sys.argv[1]), ('md', 'txt', 'markdown'), 5_000_000)\n"
        "empty = duckdb.connect()\n"
        "ensure_schema(empty, Path('in-memory'))\n"
        "plan = plan_files(found, empty, False, Path(sys.argv[2], 'to-read.parquet'))\n"
        "gc.collect()\n"
        "gc.disable()\n"
        "options = resolve(sys.argv[1], environ={})\n"
        "parse_batch(next(plan.batches(10_000)), Location.of(sys.argv[2]), 0, options)\n"
        "print(plan.to_read_count, gc.collect())\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", program, str(ROOT / "tests" / "cases"), str(tmp_path)], capture_output=True, text=True, check=True
    ).stdout.split()
    files, unreachable = map(int, output)
    assert files > 30 and unreachable == 0


def test_workers_build_arrow_tables_without_importing_pandas(tmp_path):
    """pyarrow would import pandas (a test dependency, so installed here) on a worker's
    first batch; the pool's workers never do, and their batches still come out whole."""
    found = find_files(ROOT / "tests" / "cases", ("md", "txt", "markdown"), 5_000_000)
    batch = next(plan_files(found, empty_warehouse(), False, tmp_path / "to-read.parquet").batches(10_000))
    options = resolve(ROOT / "tests" / "cases", environ={})

    def parse_then_ask(pool) -> bool:
        with _bare_main_module():
            pool.submit(parse_worker.parse_batch, batch, Location.of(tmp_path / str(id(pool))), 0, options).result()
        return pool.submit(eval, PANDAS_IMPORTED).result()

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as plain_pool:
        assert parse_then_ask(plain_pool)  # what pyarrow does on its own
    with parse_pool(1) as pool:
        assert not parse_then_ask(pool)
    written = {path.parent.name for path in tmp_path.glob("*/*/*.parquet")}
    assert {"files", "file_articles", "file_article_images", "file_article_topics", "file_article_relations"} <= written


def parse_after_the_scan(tmp_path, change, max_file_size: int = 5_000_000) -> tuple[dict, dict | None]:
    """Scan a one-article folder, apply `change` to the file, then parse the batch;
    returns the file's staging row and its own version's row (None if it has none)."""
    import pyarrow.parquet as pq

    source = tmp_path / "source"
    source.mkdir()
    article = source / "article.md"
    article.write_text("---\nwebUrl: https://example.com/a\ntitle: Short\n---\nBody.\n", encoding="utf-8")
    plan = plan_files(find_files(source, ("md",), max_file_size), empty_warehouse(), False, tmp_path / "to-read.parquet")
    batch = next(plan.batches(10))
    change(article)
    options = resolve(source, environ={}, max_file_size=max_file_size)
    parse_worker.parse_batch(batch, Location.of(tmp_path / "staging"), 0, options)
    files = pq.read_table(tmp_path / "staging" / "files").to_pylist()
    versions = pq.read_table(tmp_path / "staging" / "file_articles").to_pylist()
    return files[0], versions[0] if versions else None


def test_a_file_that_grew_after_the_scan_is_read_whole(tmp_path):
    longer_title = "A title " * 500

    def grow(article):
        article.write_text(f"---\nwebUrl: https://example.com/a\ntitle: {longer_title}\n---\nBody.\n", encoding="utf-8")

    file, version = parse_after_the_scan(tmp_path, grow)
    assert file["reason"] is None and version["title"] == longer_title.strip() and version["body"] == "Body."


def test_a_file_that_grew_over_the_limit_after_the_scan_is_rejected(tmp_path):
    def grow(article):
        article.write_text(f"---\nwebUrl: https://example.com/a\n---\n{'x' * 5000}\n", encoding="utf-8")

    file, version = parse_after_the_scan(tmp_path, grow, max_file_size=1000)
    assert file["reason"] == "file grew over the 1000 bytes limit while being read" and version is None


def test_a_file_that_shrank_after_the_scan_is_read_as_it_is_now(tmp_path):
    def shrink(article):
        article.write_text("---\nwebUrl: https://example.com/b\n---\n", encoding="utf-8")

    file, version = parse_after_the_scan(tmp_path, shrink)
    assert file["reason"] is None and version["url"] == "https://example.com/b" and version["body"] is None


def test_the_progress_bar_moves_every_few_files_not_once_a_batch(tmp_path):
    """In the run's own process (one batch, or one core) and in the pool alike, parsed
    files are counted COUNT_EVERY at a time, and every file once."""
    source = tmp_path / "news"
    for number in range(parse_worker.COUNT_EVERY * 3 + 7):
        (source / f"{number}.md").parent.mkdir(exist_ok=True)
        (source / f"{number}.md").write_text(f"---\nwebUrl: https://example.com/{number}\n---\n", encoding="utf-8")
    plan = plan_files(find_files(source, ("md",), 5_000), empty_warehouse(), False, tmp_path / "to-read.parquet")
    counted = []
    with parse_worker.files_counted_by(counted.append):
        parse_worker.parse_batch(next(plan.batches(1000)), Location.of(tmp_path / "staging"), 0, resolve(source, environ={}))
    assert counted == [parse_worker.COUNT_EVERY] * 3 + [7]

    shared = multiprocessing.get_context("spawn").Value("q", 0)
    parse_worker.count_files_in(shared)
    try:
        parse_worker.parse_batch(next(plan.batches(1000)), Location.of(tmp_path / "again"), 0, resolve(source, environ={}))
    finally:
        parse_worker._count_files = None
    assert shared.value == plan.to_read_count
