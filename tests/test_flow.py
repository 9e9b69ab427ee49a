"""The Prefect flow is a thin adapter over the library: real flow runs (on Prefect's test
harness) give exactly the tables a direct run gives, with one task run per step."""

import asyncio

import pytest

from .conftest import PROJECT_ROOT, build_warehouse, query
from .incremental_helpers import data_rows

pytestmark = pytest.mark.slow
SAMPLE = PROJECT_ROOT / "sample"


def test_the_flow_and_a_direct_run_give_identical_tables(prefect_harness, tmp_path):
    import matterhouse

    through_prefect = matterhouse.run([SAMPLE], tmp_path / "prefect", prefect=True)
    direct = build_warehouse(SAMPLE, warehouse=tmp_path / "direct")
    assert through_prefect.status == direct["status"] == "succeeded"
    assert data_rows(tmp_path / "prefect") == data_rows(tmp_path / "direct")
    for table in ("articles", "images", "article_relations", "article_topics", "files_loaded"):
        assert through_prefect.record[table] == direct[table] > 0

    # The flow run's id is the run's id, and each library step ran as a task of that flow run.
    run_id = through_prefect.run_id
    assert query(tmp_path / "prefect", "select run_id from etl_runs") == [(run_id,)]
    assert sorted(task_run_names(run_id)) == ["export", "load", "parse", "scan"]


def task_run_names(flow_run_id: str) -> list[str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    async def read():
        async with get_client() as client:
            runs = await client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
            return [run.name.rsplit("-", 1)[0] for run in runs]

    return asyncio.run(read())


def test_runs_on_prefects_temporary_server_send_no_heartbeats(monkeypatch, tmp_path):
    """Nothing outlives the temporary server to read heartbeats; a real server keeps them."""
    from prefect.settings import get_current_settings, temporary_settings

    from matterhouse.flows import pipeline
    from matterhouse.plumbing import settings

    seen = []
    monkeypatch.setattr(
        pipeline, "matterhouse_run", lambda **parameters: seen.append(get_current_settings().flows.heartbeat_frequency)
    )
    options = settings.resolve([SAMPLE], tmp_path / "warehouse", environ={})
    with temporary_settings(updates={"api.url": None, "flows.heartbeat_frequency": 180}):
        pipeline.run_flow(options)
    with temporary_settings(updates={"api.url": "http://127.0.0.1:4200/api", "flows.heartbeat_frequency": 180}):
        pipeline.run_flow(options)
    assert seen == [None, 180]
