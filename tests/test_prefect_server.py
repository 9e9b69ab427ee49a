"""Against a real `prefect server`: serve the deployment, trigger a run through the API,
wait for it to complete, check the warehouse, the schedule and the run's artifact."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import CASES, PROJECT_ROOT, query

pytestmark = pytest.mark.slow

NOISE = ("Traceback", "telemetry", "analytics", "Error flushing")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def api(url: str, path: str, body: dict | None = None, attempts: int = 5):
    """Call the server's REST API. A busy SQLite-backed server answers 503 now and then;
    like Prefect's own client, retry those."""
    request = urllib.request.Request(
        url + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read() or "null")
        except urllib.error.HTTPError as error:
            if error.code != 503 or attempt == attempts - 1:
                raise
            time.sleep(2**attempt)


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = condition()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(1)
    pytest.fail(f"timed out waiting for {what}")


def start(command: list[str], env: dict, cwd=None) -> subprocess.Popen:
    """A background service in a session of its own, so that stop() takes its children too."""
    return subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )


def stop(process: subprocess.Popen) -> str:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
    return output


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "MATTERHOUSE_"))}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    prefect = str(Path(sys.executable).with_name("prefect"))
    server = start([prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env)
    try:
        wait_for(lambda: api(url, "/health"), 120, "the Prefect server")
        yield url, {**env, "PREFECT_API_URL": url}
    finally:
        stop(server)


def test_a_served_deployment_runs_on_a_real_server(prefect_server, tmp_path):
    url, env = prefect_server
    warehouse = tmp_path / "warehouse"
    serve = start(
        [
            sys.executable,
            "-m",
            "matterhouse.cli",
            "serve",
            "--interval",
            "3600",
            "--name",
            "it",
            "--source",
            str(CASES / "seed" / "input"),
            "--warehouse",
            str(warehouse),
        ],
        env,
        cwd=tmp_path,
    )
    try:
        deployment = wait_for(lambda: api(url, "/deployments/name/matterhouse-run/it"), 120, "the deployment")
        assert deployment["parameters"]["warehouse"] == str(warehouse)
        assert "sources" in deployment["parameter_openapi_schema"]["properties"]

        flow_run = api(url, f"/deployments/{deployment['id']}/create_flow_run", {})
        final = wait_for(
            lambda: (run := api(url, f"/flow_runs/{flow_run['id']}"))["state_type"] in ("COMPLETED", "FAILED", "CRASHED") and run,
            180,
            "the flow run",
        )
        assert final["state_type"] == "COMPLETED", final["state"]
        assert query(warehouse, "select count(*) from articles") == [(4,)]
        assert query(warehouse, "select run_id from etl_runs") == [(flow_run["id"],)]

        # The server's scheduler service creates the interval's runs on its own loop, which
        # on a loaded machine can come after the manual run has finished.
        scheduled = wait_for(
            lambda: api(
                url,
                "/flow_runs/filter",
                {
                    "deployments": {"id": {"any_": [deployment["id"]]}},
                    "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
                },
            ),
            120,
            "the schedule's first flow run",
        )
        assert len(scheduled) >= 1

        artifacts = api(url, "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [flow_run["id"]]}}})
        assert [artifact["key"] for artifact in artifacts] == ["matterhouse-run"]
        assert "  tables     articles 4, " in artifacts[0]["data"]

        logs = wait_for(  # the run's logs reach the API in batches, a moment after it ends
            lambda: api(url, "/logs/filter", {"logs": {"flow_run_id": {"any_": [flow_run["id"]]}}}), 30, "the logs"
        )
        messages = [log["message"] for log in logs]
        assert any(message.startswith("1 files in 1 sources: 1 to read") for message in messages), messages
        assert len(messages) < 30
    finally:
        output = stop(serve)
    assert not any(word in output for word in NOISE), output


def test_prefect_yaml_deploys_to_a_work_pool(prefect_server):
    url, env = prefect_server
    prefect = str(Path(sys.executable).with_name("prefect"))
    pool = subprocess.run(
        [prefect, "work-pool", "create", "matterhouse", "--type", "process"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert pool.returncode == 0, pool.stdout + pool.stderr
    deploy = subprocess.run(
        [prefect, "--no-prompt", "deploy", "--all"],
        cwd=PROJECT_ROOT,
        env={**env, "MATTERHOUSE_HOME": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    deployment = api(url, "/deployments/name/matterhouse-run/scheduled")
    assert deployment["work_pool_name"] == "matterhouse"
    assert deployment["parameters"] == {"sources": ["sample"], "warehouse": "warehouse"}
    assert [schedule["schedule"]["cron"] for schedule in deployment["schedules"]] == ["*/15 * * * *"]
