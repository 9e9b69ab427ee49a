"""What a run on a Dask cluster checks before it sends any work, and how it cuts the work."""

from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from matterhouse.steps.cluster import BATCHES_PER_TASK, marker_name, probe_reach, task_groups
from matterhouse.steps.plan import TO_READ_SCHEMA, Plan


def test_each_worker_proves_it_reaches_the_source_folders_and_the_staging_folder(tmp_path):
    """probe_reach runs on every worker before any work (Client.run passes the worker)."""
    worker = SimpleNamespace(address="tcp://10.0.0.7:40000")
    (tmp_path / "a-file").write_text("")
    assert probe_reach([str(tmp_path / "missing")], None, worker) == f"cannot read the folder {tmp_path / 'missing'}"
    assert probe_reach([], str(tmp_path / "a-file" / "staging"), worker).startswith(f"cannot write to {tmp_path / 'a-file'}")
    assert probe_reach([str(tmp_path)], str(tmp_path / "staging"), worker) is None
    assert (tmp_path / "staging" / marker_name(worker.address)).exists()  # for this machine to look for


@pytest.mark.parametrize("files", [0, 1, 350, 2_999, 3_000, 7_001])
def test_tasks_carry_whole_batches_numbered_without_gaps(tmp_path, files):
    paths = pa.array([f"{number}.md" for number in range(files)], pa.string())
    columns = {name: pa.nulls(files, TO_READ_SCHEMA.field(name).type) for name in TO_READ_SCHEMA.names}
    table = pa.table({**columns, "path": paths}, schema=TO_READ_SCHEMA)
    pq.write_table(table, tmp_path / "to-read.parquet", row_group_size=700)  # groups cut across row groups
    plan = Plan(files, files, 0, [], tmp_path / "to-read.parquet")
    groups = list(task_groups(plan, 100, threads=2))
    per_task = max(1, min(BATCHES_PER_TASK, plan.batch_count(100) // 2))  # 7,001 files: 71 batches, 10 a task
    assert [first for _, first in groups] == [index * per_task for index in range(len(groups))]
    assert all(rows.num_rows == 100 * per_task for rows, _ in groups[:-1])
    assert [path for rows, _ in groups for path in rows["path"].to_pylist()] == [f"{number}.md" for number in range(files)]
    assert plan.batch_count(100) == max(1, -(-files // 100))
    assert len(groups) >= min(2, plan.batch_count(100)), "no thread of a two-thread cluster left without a task"
