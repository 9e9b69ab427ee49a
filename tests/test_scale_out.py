"""Sources on S3, parsing on a Dask cluster, tables published to S3: against a real
moto_server and a real `dask scheduler` with two `dask worker` processes on 127.0.0.1,
started and stopped by PID (tests/servers.py)."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow.compute as pc
import pytest

import matterhouse
from matterhouse.store import publication
from matterhouse.store.tables import MODEL_TABLES, PUBLISHED_TABLES

from .conftest import CASES, PLACE_AND_RUN_COLUMNS, PROJECT_ROOT, query, table_rows, unwrapped
from .servers import aws_environment, dask_cluster, environment, s3_server

pytestmark = pytest.mark.slow

# Columns that say where and when a file was stored (its source location, the id hashed
# from it, its modification time: on S3 the upload's) or which run wrote a row: the only
# ones a run over S3 may differ in.
BUCKET = "news-archive"
# The file size limit of the S3 runs: small, so that the corpus holds files at it and over it.
SIZE_LIMIT = 4096


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """A real S3 server; the AWS variables point this process (s3fs) at it."""
    with s3_server(tmp_path_factory.mktemp("s3")) as endpoint:
        variables = aws_environment(endpoint)
        with environment(variables):
            import s3fs

            fs = s3fs.S3FileSystem(skip_instance_cache=True)
            fs.mkdir(BUCKET)
            yield fs, variables


@pytest.fixture(scope="module")
def cluster(s3, tmp_path_factory):
    """A Dask scheduler and two workers that reach the S3 server through the standard
    AWS environment, as workers of a real cluster would."""
    _, environment = s3
    with dask_cluster(tmp_path_factory.mktemp("dask"), environment) as running:
        yield running


def upload(fs, folder: Path, prefix: str) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            fs.pipe_file(f"{BUCKET}/{prefix}/{path.relative_to(folder).as_posix()}", path.read_bytes())


def edge_sized_corpus(folder: Path) -> Path:
    """The examples, two empty files (S3 answers a ranged GET of an empty object with
    416), and articles of exactly the size limit and one byte over it."""
    shutil.copytree(CASES / "examples" / "input", folder)
    (folder / "empty.md").write_bytes(b"")
    (folder / "sub").mkdir()
    (folder / "sub" / "empty.txt").write_bytes(b"")
    for name, size in (("at-the-limit", SIZE_LIMIT), ("over-the-limit", SIZE_LIMIT + 1)):
        head = f"---\ntitle: {name}\nwebUrl: https://example.com/{name}\n---\n".encode()
        (folder / f"{name}.md").write_bytes(head + b"x" * (size - len(head)))
    return folder


def data_without_locations(warehouse: Path) -> dict:
    return table_rows(warehouse, MODEL_TABLES, skip=PLACE_AND_RUN_COLUMNS)


@pytest.mark.parametrize("prefect", [False, True], ids=["direct", "prefect-flow"])
def test_s3_source_on_dask_published_to_s3_equals_a_local_run(s3, cluster, tmp_path, request, prefect):
    """Directly through a distributed.Client, and as a Prefect flow run whose parse tasks
    go through prefect-dask's DaskTaskRunner."""
    if prefect:
        request.getfixturevalue("prefect_harness")
    fs, _ = s3
    name = "flow" if prefect else "direct"
    corpus = edge_sized_corpus(tmp_path / "corpus")
    upload(fs, corpus, f"{name}/news")
    local = matterhouse.run([corpus], tmp_path / "local", max_file_size=SIZE_LIMIT)

    remote = matterhouse.run(
        [f"s3://{BUCKET}/{name}/news"],
        tmp_path / "remote",
        dask_address=cluster.address,
        staging=f"s3://{BUCKET}/{name}/staging",
        publish=f"s3://{BUCKET}/{name}/tables",
        prefect=prefect,
        max_file_size=SIZE_LIMIT,
    )

    assert remote.status == "succeeded" and remote.rows == local.rows and remote.rows["articles"] > 0
    rejected = "select path, reason from source_files where status = 'rejected' order by path"
    assert query(tmp_path / "remote", rejected) == query(tmp_path / "local", rejected)
    assert [path for path, _ in query(tmp_path / "remote", rejected)] == ["empty.md", "over-the-limit.md", "sub/empty.txt"]
    at_limit = "select count(*) from source_files where path = 'at-the-limit.md' and status = 'loaded'"
    assert query(tmp_path / "remote", at_limit) == [(1,)]
    assert data_without_locations(tmp_path / "remote") == data_without_locations(tmp_path / "local")
    # Paths stay relative to their source; the source is the URL.
    assert query(tmp_path / "remote", "select distinct source from source_files") == [(f"s3://{BUCKET}/{name}/news",)]
    assert sorted(query(tmp_path / "remote", "select path from source_files")) == sorted(
        query(tmp_path / "local", "select path from source_files")
    )
    # The published tables are the warehouse's, and the staging area is gone.
    for table in PUBLISHED_TABLES:
        published = matterhouse.read_table(table, f"s3://{BUCKET}/{name}/tables")
        assert published.count_rows() == query(tmp_path / "remote", f"select count(*) from {table}")[0][0], table
    assert not fs.exists(f"{BUCKET}/{name}/staging/{remote.run_id}")


def test_incremental_runs_over_s3_on_dask_equal_a_full_refresh(s3, cluster, tmp_path):
    fs, _ = s3
    prefix = f"s3://{BUCKET}/incremental/news"
    upload(fs, CASES / "examples" / "input", "incremental/news")
    options = {"dask_address": cluster.address, "publish": f"s3://{BUCKET}/incremental/tables"}
    first = matterhouse.run([prefix], tmp_path / "warehouse", **options)
    keys = sorted(fs.find(f"{BUCKET}/incremental/news"))

    # Add an object, edit one in place keeping its size, delete one.
    fs.pipe_file(
        f"{BUCKET}/incremental/news/added/new.md",
        b'---\ntitle: "Added later"\nwebUrl: https://example.com/added\npublishedDateTime: 2022-02-02T00:00:00Z\n---\n',
    )
    edited = keys[0]
    original = fs.cat_file(edited)
    fs.pipe_file(edited, original.replace(b"title:", b"TITLE:", 1) if b"title:" in original else original[:-1] + b"\n")
    fs.rm_file(keys[1])
    second = matterhouse.run([prefix], tmp_path / "warehouse", **options)
    refreshed = matterhouse.run([prefix], tmp_path / "refreshed", dask_address=cluster.address, full_refresh=True)
    assert refreshed.rows == second.rows

    assert second.record["files_new"] == 1 and second.record["files_deleted"] == 1
    assert second.record["files_changed"] == 1, "an in-place edit of the same size is noticed by its last-modified time"
    assert second.record["files_seen"] == first.record["files_seen"]
    assert data_without_locations(tmp_path / "warehouse") == data_without_locations(tmp_path / "refreshed")
    current = matterhouse.read_table("articles", options["publish"])
    assert current.count_rows() == second.rows["articles"]
    earlier = matterhouse.read_table("articles", options["publish"], run=first.run_id)
    assert earlier.count_rows() == first.rows["articles"]


def test_a_reader_polling_the_pointer_always_sees_one_whole_run(s3, tmp_path):
    fs, _ = s3
    location = f"s3://{BUCKET}/polled/tables"
    source = tmp_path / "news"
    source.mkdir()
    stop, seen, errors = threading.Event(), [], []

    def publish_one_more(number: int) -> None:
        (source / f"article-{number}.md").write_text(
            f'---\ntitle: "Story {number}"\nwebUrl: https://example.com/{number}\n---\n', encoding="utf-8"
        )
        matterhouse.run([source], tmp_path / "warehouse", publish=location, keep_runs=3)

    def poll() -> None:
        while not stop.is_set():
            try:
                run_id = publication.manifest(location)["run_id"]  # the pointer's run
                runs = matterhouse.read_table("etl_runs", location, run=run_id).to_table()
                articles = matterhouse.read_table("articles", location, run=run_id).count_rows()
                newest = runs.filter(pc.equal(runs["started_at"], pc.max(runs["started_at"])))
                seen.append((run_id, newest["run_id"][0].as_py(), newest["articles"][0].as_py(), articles))
            except publication.RunNotKept:
                continue  # the run was superseded and dropped between the two reads
            except Exception as error:
                errors.append(error)

    publish_one_more(0)
    reader = threading.Thread(target=poll)
    reader.start()
    try:
        for number in range(1, 6):
            publish_one_more(number)
    finally:
        stop.set()
        reader.join()

    assert not errors, errors
    assert len({run_id for run_id, *_ in seen}) >= 2, "the reader saw several runs"
    for run_id, newest_run, run_articles, articles in seen:
        assert newest_run == run_id and articles == run_articles, (run_id, newest_run, run_articles, articles)
    assert len(fs.ls(f"{BUCKET}/polled/tables/_manifests", refresh=True)) == 3


def test_killing_a_dask_worker_mid_run_completes_or_changes_nothing(s3, tmp_path, tmp_path_factory):
    _, environment = s3
    corpus = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "benchmarks" / "generate_corpus.py"), str(corpus), "--files", "8000"],
        check=True,
        capture_output=True,
    )
    warehouse = tmp_path / "warehouse"
    published = tmp_path / "published"
    matterhouse.run([CASES / "examples" / "input"], warehouse, publish=str(published))
    before = table_rows(warehouse, PUBLISHED_TABLES)
    published_before = publication.manifest(str(published))["run_id"]

    with dask_cluster(tmp_path_factory.mktemp("dask-kill"), environment) as own:
        command = [
            sys.executable, "-m", "matterhouse.cli", "run", "--source", str(corpus), "--warehouse", str(warehouse),
            "--dask-address", own.address, "--batch-size", "200", "--publish", str(published),
        ]  # fmt: skip
        run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not list(warehouse.glob(".run-*/staging/files/batch-*.parquet")):
            assert run.poll() is None and time.monotonic() < deadline, run.communicate()
            time.sleep(0.05)
        os.kill(own.workers[0].pid, signal.SIGKILL)
        stdout, stderr = run.communicate(timeout=300)

        if run.returncode == 0:
            assert "run succeeded" in stdout and "Traceback" not in stderr
            assert query(warehouse, "select count(*) from source_files")[0][0] == 8000
        else:
            assert run.returncode == 1 and len(unwrapped(stderr).strip().splitlines()) == 1, stderr
            assert table_rows(warehouse, PUBLISHED_TABLES) == before
            assert publication.manifest(str(published))["run_id"] == published_before

        again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert query(warehouse, "select count(*) from source_files")[0][0] == 8000
    (newest_run,) = query(warehouse, "select run_id from etl_runs order by started_at desc limit 1")[0]
    assert publication.manifest(str(published))["run_id"] == newest_run


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("s3://no-such-bucket/news", "cannot list s3://no-such-bucket/news: no such object or bucket"),
        (f"s3://{BUCKET}/no-such-prefix", f"source s3://{BUCKET}/no-such-prefix has no files ending in .markdown, .md or .txt"),
    ],
)
def test_a_wrong_bucket_or_prefix_is_one_line_and_changes_nothing(s3, tmp_path, source, message):
    result = subprocess.run(
        [sys.executable, "-m", "matterhouse.cli", "run", "--source", source, "--warehouse", str(tmp_path / "warehouse")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and result.stdout == ""
    error = unwrapped(result.stderr)
    assert error.startswith(f"matterhouse: error: {message}") and len(error.splitlines()) == 1, result.stderr
