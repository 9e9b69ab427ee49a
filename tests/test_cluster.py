"""What a run on a Dask cluster checks before it sends any work, and how it cuts the work."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from matterhouse.cluster import BATCHES_PER_TASK, ClusterError, check_reach, task_groups
from matterhouse.plan import TO_READ_SCHEMA, Plan
from matterhouse.settings import resolve


def options(tmp_path, *sources):
    return resolve(list(sources), tmp_path / "warehouse", environ={})


def test_workers_on_other_machines_must_reach_the_sources_and_the_staging_area(tmp_path):
    with pytest.raises(ClusterError, match=r"^Dask workers on 10\.0\.0\.7 cannot read the folder .* give sources they all reach"):
        check_reach({"10.0.0.7", "127.0.0.1"}, str(tmp_path / "staging"), options(tmp_path, tmp_path))
    with pytest.raises(ClusterError, match=r"cannot write to this machine's warehouse folder: give --staging"):
        check_reach({"10.0.0.7"}, str(tmp_path / "staging"), options(tmp_path, "s3://bucket/news"))
    check_reach({"10.0.0.7"}, "s3://bucket/staging/run", options(tmp_path, "s3://bucket/news"))
    check_reach({"127.0.0.1"}, str(tmp_path / "staging"), options(tmp_path, tmp_path))  # a cluster on this machine


@pytest.mark.parametrize("files", [0, 1, 2_999, 3_000, 7_001])
def test_tasks_carry_whole_batches_numbered_without_gaps(tmp_path, files):
    paths = pa.array([f"{number}.md" for number in range(files)], pa.string())
    columns = {name: pa.nulls(files, TO_READ_SCHEMA.field(name).type) for name in TO_READ_SCHEMA.names}
    table = pa.table({**columns, "path": paths}, schema=TO_READ_SCHEMA)
    pq.write_table(table, tmp_path / "to-read.parquet", row_group_size=700)  # groups cut across row groups
    plan = Plan(files, files, 0, [], tmp_path / "to-read.parquet")
    groups = list(task_groups(plan, 100))
    assert [first for _, first in groups] == [index * BATCHES_PER_TASK for index in range(len(groups))]
    assert all(rows.num_rows == 100 * BATCHES_PER_TASK for rows, _ in groups[:-1])
    assert [path for rows, _ in groups for path in rows["path"].to_pylist()] == [f"{number}.md" for number in range(files)]
    assert plan.batch_count(100) == max(1, -(-files // 100))
