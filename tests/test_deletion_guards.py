"""Deletions the sources may only be hiding are refused: a source with no files to read
(an unmounted share, a sync that has not run) and more deletions than --max-delete
allows. The warehouse is left as it was; the flags that mean "they really are gone" let
the run go on."""

import shutil
import subprocess
import sys

import pytest

import matterhouse
from matterhouse.plumbing.settings import ConfigurationError
from matterhouse.steps.run import DeletionRefused

from .conftest import CASES, query, unwrapped
from .incremental_helpers import data_rows, write_article


@pytest.fixture
def loaded(tmp_path):
    """A warehouse loaded from a copy of the examples case; returns (source, warehouse)."""
    source = tmp_path / "news"
    shutil.copytree(CASES / "examples" / "input", source)
    warehouse = tmp_path / "warehouse"
    matterhouse.run([source], warehouse)
    return source, warehouse


def test_an_empty_source_folder_is_refused_and_changes_nothing(loaded, tmp_path):
    _, warehouse = loaded
    before = data_rows(warehouse), query(warehouse, "select count(*) from etl_runs")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.json").write_text("{}")  # files, but none the run reads
    with pytest.raises(DeletionRefused) as refused:
        matterhouse.run([empty], warehouse)
    assert str(refused.value) == (
        f"source {empty} has no files ending in .markdown, .md or .txt (nothing changed): check that it is mounted or "
        "synced, and --extensions; if every file there was deleted, run again with --allow-empty-source"
    )
    assert (data_rows(warehouse), query(warehouse, "select count(*) from etl_runs")) == before


def test_allow_empty_source_deletes_everything_it_held(loaded, tmp_path):
    _, warehouse = loaded
    (tmp_path / "empty").mkdir()
    result = matterhouse.run([tmp_path / "empty"], warehouse, allow_empty_source=True)
    assert (result.status, result.record["files_deleted"], result.rows["articles"]) == ("succeeded", 4, 0)


def test_one_empty_source_among_others_is_refused_too(loaded, tmp_path):
    source, warehouse = loaded
    (tmp_path / "empty").mkdir()
    with pytest.raises(DeletionRefused, match=r"^source .*/empty has no files"):
        matterhouse.run([source, tmp_path / "empty"], warehouse)


@pytest.mark.parametrize(("max_delete", "refused"), [("1", True), ("2", False), ("25%", True), ("50%", False)])
def test_max_delete_bounds_the_files_a_run_deletes(loaded, max_delete, refused):
    source, warehouse = loaded
    for path in sorted(source.iterdir())[:2]:  # 2 of the 4 files the warehouse knows
        path.unlink()
    if not refused:
        assert matterhouse.run([source], warehouse, max_delete=max_delete).record["files_deleted"] == 2
        return
    before = data_rows(warehouse)
    with pytest.raises(DeletionRefused) as error:
        matterhouse.run([source], warehouse, max_delete=max_delete)
    assert str(error.value).startswith(
        f"this run would delete 2 of the 4 files the warehouse knows, more than --max-delete {max_delete}"
    )
    assert data_rows(warehouse) == before


def test_max_delete_leaves_new_and_changed_files_alone(loaded):
    source, warehouse = loaded
    write_article(source, "new.md", "https://example.com/new", "New")
    assert matterhouse.run([source], warehouse, max_delete="0").record["files_new"] == 1


@pytest.mark.parametrize("value", ["many", "-3", "5%%", "1e3"])
def test_a_max_delete_that_is_not_a_count_or_a_percentage_says_so(tmp_path, value):
    with pytest.raises(ConfigurationError, match=r"is not a number of files or a percentage, e\.g\. 100 or 5%$"):
        matterhouse.run([CASES / "examples" / "input"], tmp_path / "warehouse", max_delete=value)


@pytest.mark.slow
def test_the_command_refuses_an_empty_source_in_one_line_with_exit_1(loaded, tmp_path):
    _, warehouse = loaded
    (tmp_path / "empty").mkdir()
    command = [sys.executable, "-m", "matterhouse.cli", "run", "--source", str(tmp_path / "empty"), "--warehouse", str(warehouse)]
    refused = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert (refused.returncode, refused.stdout) == (1, "")
    said = unwrapped(refused.stderr)
    assert said.startswith("matterhouse: error: source ") and len(said.splitlines()) == 1
    assert all(len(line) <= 80 or " " not in line.strip() for line in refused.stderr.splitlines())
    allowed = subprocess.run([*command, "--allow-empty-source"], capture_output=True, text=True, timeout=120)
    assert allowed.returncode == 0, allowed.stderr
    assert "4 deleted" in allowed.stdout
