"""Real servers for the scale-out tests, as processes on 127.0.0.1 that the tests start
and stop by PID: an S3-compatible server (moto_server) and a Dask scheduler with two
`dask worker` processes running this environment's Python (so the project is importable
on the scheduler and the workers, as Dask requires)."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
STARTUP_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def aws_environment(endpoint: str) -> dict[str, str]:
    """What a process needs to reach the S3 server: the standard AWS variables only."""
    return {
        "AWS_ACCESS_KEY_ID": "matterhouse-test",
        "AWS_SECRET_ACCESS_KEY": "matterhouse-test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
    }


@contextmanager
def environment(variables: dict[str, str]):
    """This process's environment with `variables` set, as it was afterwards."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def start(command: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    """A server in a session of its own (a terminal's Ctrl-C during the tests stays ours)."""
    return subprocess.Popen(
        command,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )


def stop(*processes: subprocess.Popen) -> None:
    """Stop each by PID: SIGTERM, then SIGKILL after ten seconds."""
    for process in processes:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def wait_until(ready, what: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start; its log says:\n{log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)


@contextmanager
def s3_server(folder: Path):
    """moto_server on a free port; yields its endpoint URL."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log = folder / "moto.log"
    process = start([str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], log)

    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):
                return True
        except OSError:
            return False

    try:
        wait_until(answers, "moto_server", process, log)
        yield endpoint
    finally:
        stop(process)


@dataclass
class DaskCluster:
    address: str
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen]
    worker_env: dict
    log: Path

    def add_worker(self) -> subprocess.Popen:
        worker = start(
            [str(BIN / "dask"), "worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard"],
            self.log,
            self.worker_env,
        )
        self.workers.append(worker)
        return worker

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            client.wait_for_workers(count, timeout=STARTUP_TIMEOUT)


@contextmanager
def dask_cluster(folder: Path, worker_env: dict, workers: int = 2):
    """`dask scheduler` and `workers` separate `dask worker` processes (one thread each,
    no nanny: killing one is a worker lost, not restarted); yields a DaskCluster."""
    port = free_port()
    log = folder / "dask.log"
    scheduler = start([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], log)
    cluster = DaskCluster(f"tcp://127.0.0.1:{port}", scheduler, [], worker_env, log)

    def listens() -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    try:
        wait_until(listens, "dask scheduler", scheduler, log)
        for _ in range(workers):
            cluster.add_worker()
        cluster.wait_for_workers(workers)
        yield cluster
    finally:
        stop(*cluster.workers, scheduler)
