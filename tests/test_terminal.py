"""`matterhouse run` in a pseudo-terminal, as a person sees it: progress while it works,
no telemetry notice from Prefect (even on a first run with a fresh Prefect home), one
summary at the end."""

import os
import pty
import select
import subprocess
import sys
import time

import pytest

from .conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow


def run_in_terminal(*args: str, env: dict, timeout: float = 240) -> tuple[int, str]:
    """Run the command with a pseudo-terminal as its stdin, stdout and stderr."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "matterhouse.cli", *args], stdin=terminal, stdout=terminal, stderr=terminal, env=env
    )
    os.close(terminal)
    output, deadline = b"", time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed: the command ended
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    os.close(controller)
    return process.wait(timeout=10), output.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("terminal") / "news"
    subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "benchmarks" / "generate_corpus.py"), str(folder), "--files", "6000"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return folder


@pytest.mark.parametrize("path", [[], ["--prefect"]], ids=["direct", "prefect"])
def test_a_terminal_shows_progress_and_no_telemetry_notice(corpus, tmp_path, path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "MATTERHOUSE_", "DO_NOT"))}
    env.update(PREFECT_HOME=str(tmp_path / "fresh-prefect-home"), TERM="xterm-256color", COLUMNS="120")
    status, screen = run_in_terminal("run", "--source", str(corpus), "--warehouse", str(tmp_path / "wh"), *path, env=env)
    assert status == 0, screen
    assert "files/s" in screen and "Parsing files" in screen  # the bar, while it parsed
    for noise in ("anonymous usage", "telemetry", "DO_NOT_TRACK", "Traceback", "WARNING", "ERROR"):
        assert noise not in screen, screen
    assert "matterhouse: run succeeded in " in screen
    # Prefect's temporary server takes seconds to start: the terminal is told at once.
    assert ("matterhouse: starting a temporary Prefect server" in screen) == bool(path), screen
