"""Every user error and fault we know of, through the command as a person types it: one
line on stderr that says what is wrong and what to do, never a Python class name, and
the documented exit status. Faults are real: a read-only file system, a full disk."""

import re
import subprocess
from pathlib import Path

import pytest

from matterhouse.cli import main
from matterhouse.plumbing import settings

from .conftest import CASES, query, unwrapped

SEED = str(CASES / "seed" / "input")
CLASS_NAME = re.compile(r"\b[A-Z][a-z]+[A-Za-z]*(Error|Exception)\b")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in ("PREFECT_API_URL", "PREFECT_PROFILE", "MATTERHOUSE_SOURCE", "MATTERHOUSE_WAREHOUSE", "MATTERHOUSE_CHECKS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))  # no profile with a server
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def disk(tmp_path):
    """A 40 MB file system of its own (tmpfs), unmounted afterwards."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount_point)], check=True)
    yield mount_point
    subprocess.run(["umount", "--lazy", str(mount_point)], check=True)


def error_of(capsys, *argv: str) -> tuple[int, str]:
    """The exit status and the error message, which the terminal got wrapped at 80
    columns between words (a word longer than that, a path, stands alone)."""
    status = main([str(arg) for arg in argv])
    printed = capsys.readouterr().err
    assert all(len(line) <= 80 or " " not in line.strip() for line in printed.splitlines()), printed
    return status, unwrapped(printed)


def setup_file(tmp_path: Path) -> Path:
    (tmp_path / "a-file").write_text("not a folder")
    return tmp_path / "a-file"


def setup_broken_check(tmp_path: Path) -> Path:
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "no_orphans.sql").write_text("select from nowhere\n")
    return tmp_path / "checks"


def setup_check(tmp_path: Path, text: str) -> Path:
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "mine.sql").write_text(text)
    return tmp_path / "checks"


def built(tmp_path: Path) -> Path:
    """A warehouse of the seed."""
    assert main(["run", "--source", SEED, "--warehouse", str(tmp_path / "built")]) == 0
    return tmp_path / "built"


def setup_nested_sources(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "news" / "2024").mkdir(parents=True)
    return tmp_path / "news", tmp_path / "news" / "2024"


# (name, arguments given tmp_path, the whole stderr line with {tmp} for tmp_path)
CASES_OF_ERRORS = [
    (
        "a missing source",
        lambda tmp: ["run", "--source", tmp / "nowhere"],
        "matterhouse: error: source folder {tmp}/nowhere does not exist or is not a folder",
    ),
    (
        "a warehouse that is a file",
        lambda tmp: ["run", "--source", SEED, "--warehouse", setup_file(tmp)],
        "matterhouse: error: the warehouse {tmp}/a-file is a file, not a folder: give --warehouse a folder "
        "(it is created if missing)",
    ),
    (
        "query on a warehouse that is a file",
        lambda tmp: ["query", "select 1", "--warehouse", setup_file(tmp)],
        "matterhouse: error: the warehouse {tmp}/a-file is a file, not a folder: give --warehouse a folder "
        "(it is created if missing)",
    ),
    (
        "status before any run",
        lambda tmp: ["status", "--warehouse", tmp / "empty"],
        "matterhouse: error: there is no warehouse in {tmp}/empty yet: run `matterhouse run --warehouse {tmp}/empty` first",
    ),
    (
        "a broken user check",
        lambda tmp: ["run", "--source", SEED, "--warehouse", tmp / "wh", "--checks", setup_broken_check(tmp)],
        "matterhouse: error: the data check {tmp}/checks/no_orphans.sql cannot run: "
        "Parser Error: SELECT clause without selection list; fix or remove it (nothing changed)",
    ),
    (
        "overlapping sources",
        lambda tmp: ["run", "--source", setup_nested_sources(tmp)[0], "--source", tmp / "news" / "2024"],
        "matterhouse: error: source folder {tmp}/news/2024 is inside source folder {tmp}/news, so its files would be "
        "read twice: give only {tmp}/news",
    ),
    (
        "serve without a Prefect server",
        lambda tmp: ["serve", "--source", SEED],
        "matterhouse: error: serve needs a Prefect server to schedule runs on: start one with "
        "`PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1 prefect server start`, "
        "then `export PREFECT_API_URL=http://127.0.0.1:4200/api`, and serve again",
    ),
    (
        "a size that is not one",
        lambda tmp: ["run", "--max-file-size", "lots"],
        "matterhouse: error: file size limit 'lots' is not a size such as 5MB, 512KB or 1000",
    ),
    (
        "a memory limit that is not a size",
        lambda tmp: ["run", "--memory-limit", "lots"],
        "matterhouse: error: --memory-limit 'lots' is not a size such as 300MB, 1GB or 512MB",
    ),
    (
        "a memory limit DuckDB cannot work in",
        lambda tmp: ["run", "--memory-limit", "16MB"],
        "matterhouse: error: --memory-limit 16MB is too little for DuckDB to load a run: give 64MB or more "
        "(the default is 300MB)",
    ),
    (
        "no extensions",
        lambda tmp: ["run", "--extensions", " , "],
        "matterhouse: error: no file extensions given: pass e.g. --extensions md,txt",
    ),
    (
        "a negative lock timeout",
        lambda tmp: ["run", "--lock-timeout", "-1"],
        "matterhouse: error: lock timeout -1 is negative: give the seconds to wait, e.g. 30",
    ),
    (
        "an empty query",
        lambda tmp: ["query", "  ", "--warehouse", tmp],
        'matterhouse: error: the SQL is empty: give a query, e.g. matterhouse query "select count(*) from articles"',
    ),
    (
        "a query file that is not there",
        lambda tmp: ["query", "--file", tmp / "none.sql", "--warehouse", tmp],
        "matterhouse: error: No such file or directory: {tmp}/none.sql",
    ),
    (
        "a report written into a missing folder",
        lambda tmp: ["report", "--output", tmp / "no" / "r.html", "--warehouse", built(tmp)],
        "matterhouse: error: No such file or directory: {tmp}/no/r.html",
    ),
    (
        "a check that is an empty file",
        lambda tmp: ["run", "--source", SEED, "--warehouse", tmp / "wh", "--checks", setup_check(tmp, "\n")],
        "matterhouse: error: the data check {tmp}/checks/mine.sql cannot run: the file holds no query; "
        "fix or remove it (nothing changed)",
    ),
    (
        "parquet output without a file",
        lambda tmp: ["query", "select 1", "--format", "parquet", "--warehouse", tmp],
        "matterhouse: error: --format parquet writes a file: add --output FILE.parquet",
    ),
]


@pytest.mark.parametrize("name, arguments, message", CASES_OF_ERRORS, ids=[case[0] for case in CASES_OF_ERRORS])
def test_user_errors_are_one_line_that_says_what_to_do(capsys, tmp_path, name, arguments, message):
    status, stderr = error_of(capsys, *arguments(tmp_path))
    assert (status, stderr) == (1, message.format(tmp=tmp_path) + "\n")
    assert not CLASS_NAME.search(stderr)


def test_serve_refuses_a_prefect_server_that_does_not_answer(capsys, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    status, stderr = error_of(capsys, "serve", "--source", SEED)
    assert (status, stderr) == (
        1,
        "matterhouse: error: no Prefect server answers at PREFECT_API_URL=http://127.0.0.1:9/api: start one with "
        "`PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1 prefect server start`, "
        "then `export PREFECT_API_URL=http://127.0.0.1:4200/api`, or correct it, and serve again\n",
    )


def test_usage_mistakes_exit_2_with_argparse_usage(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["run", "--no-such-option"])
    assert raised.value.code == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err


def test_a_query_duckdb_refuses_says_where(capsys, tmp_path):
    assert error_of(capsys, "run", "--source", SEED, "--warehouse", tmp_path / "wh") == (0, "")
    status, stderr = error_of(capsys, "query", "select * form articles", "--warehouse", tmp_path / "wh")
    assert status == 1
    assert stderr.startswith('matterhouse: error: Parser Error: syntax error at or near "articles"')
    assert not CLASS_NAME.search(stderr)


def test_a_read_only_warehouse_folder(capsys, disk):
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    status, stderr = error_of(capsys, "run", "--source", SEED, "--warehouse", disk / "warehouse")
    assert (status, stderr) == (
        1,
        f"matterhouse: error: cannot write to the warehouse folder {disk / 'warehouse'} (read-only file system); "
        "choose a folder you can write to with --warehouse, or fix its permissions\n",
    )


def test_a_full_disk_changes_nothing_and_the_next_run_recovers(capsys, disk, tmp_path):
    warehouse = disk / "warehouse"
    assert error_of(capsys, "run", "--source", SEED, "--warehouse", warehouse) == (0, "")
    filler = disk / "filler"
    subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=1M", "count=64"], capture_output=True)  # until full

    status, stderr = error_of(capsys, "run", "--source", CASES / "examples" / "input", "--warehouse", warehouse)

    assert status == 1
    assert stderr == (
        f"matterhouse: run failed: the disk holding {warehouse} is full; the warehouse is unchanged. Free some space "
        "there (the run needs room for a new Parquet snapshot and DuckDB's spill files) or pass --warehouse on a larger disk\n"
    )
    assert query(warehouse, "select count(*) from articles") == [(4,)]  # the seed, as before
    filler.unlink()
    assert error_of(capsys, "run", "--source", CASES / "examples" / "input", "--warehouse", warehouse) == (0, "")
    assert query(warehouse, "select count(*) from source_files") == [(4,)]


def test_a_run_out_of_memory_names_the_option_changes_nothing_and_the_next_run_recovers(capsys, tmp_path, monkeypatch):
    """DuckDB's own out-of-memory failure, in the load. No input small enough for a test
    needs more than the least --memory-limit takes, so the test lowers that floor."""
    warehouse = tmp_path / "wh"
    assert error_of(capsys, "run", "--source", SEED, "--warehouse", warehouse) == (0, "")
    monkeypatch.setattr(settings, "MIN_MEMORY_LIMIT", 0)
    examples = CASES / "examples" / "input"

    status, stderr = error_of(capsys, "run", "--source", examples, "--warehouse", warehouse, "--memory-limit", "8MB")

    assert status == 1
    said = re.fullmatch(
        r"matterhouse: run failed: DuckDB ran out of memory at its limit of 8 MB: (.+); the warehouse is unchanged\. "
        r"Raise the limit with --memory-limit or MATTERHOUSE_MEMORY_LIMIT\n",
        stderr,
    )
    assert said and "allocate" in said[1], stderr
    assert not CLASS_NAME.search(stderr)
    assert query(warehouse, "select count(*) from articles") == [(4,)]  # the seed, as before
    assert error_of(capsys, "run", "--source", examples, "--warehouse", warehouse, "--memory-limit", "64MB") == (0, "")
    assert query(warehouse, "select count(*) from source_files") == [(4,)]


def test_a_check_ending_in_a_semicolon_runs(capsys, tmp_path):
    checks = setup_check(tmp_path, "select url from articles where url is null;\n")
    assert error_of(capsys, "run", "--source", SEED, "--warehouse", tmp_path / "wh", "--checks", checks)[0] == 0
    assert query(tmp_path / "wh", "select status from check_results where check_name = 'mine'") == [("passed",)]


def test_a_run_while_this_process_holds_the_warehouse_says_what_to_close(tmp_path):
    import matterhouse

    matterhouse.run([SEED], tmp_path / "wh")
    with matterhouse.connect(tmp_path / "wh"), pytest.raises(matterhouse.MatterhouseError) as raised:
        matterhouse.run([SEED], tmp_path / "wh")
    assert str(raised.value) == (
        f"the warehouse file {tmp_path / 'wh' / 'matterhouse.duckdb'} is open in this process (a connection from "
        "matterhouse.connect() or duckdb.connect()); close it, then run again"
    )


def test_an_unknown_option_shows_the_commands_own_usage(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["run", "--fast"])
    stderr = capsys.readouterr().err
    assert raised.value.code == 2 and stderr.startswith("usage: matterhouse run [-h]")
    assert stderr.endswith("matterhouse run: error: unrecognized arguments: --fast\n")
