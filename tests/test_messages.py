"""Messages as a person reads them: the summary's first figure is the one status shows,
and an interrupt's message starts on a line of its own in a terminal."""

import io
import signal

import matterhouse
from matterhouse.plumbing import interrupts, words

from .conftest import CASES, query


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_summary_gives_first_the_seconds_status_shows(tmp_path):
    result = matterhouse.run([CASES / "seed" / "input"], tmp_path / "warehouse")
    ((seconds,),) = query(tmp_path / "warehouse", "select epoch(finished_at - started_at) from etl_runs")
    first, timings = str(result).splitlines()[:2]
    assert first == f"matterhouse: run succeeded in {words.seconds(seconds)}"
    assert timings.endswith(f"; {result.seconds:.1f} with start-up")


def test_an_interrupt_in_a_terminal_starts_its_message_on_a_line_of_its_own(monkeypatch):
    for stream, prefix in ((Terminal(), "\n"), (io.StringIO(), "")):
        monkeypatch.setattr("sys.stderr", stream)
        monkeypatch.setattr(interrupts, "_reported", [])
        assert interrupts.report(signal.SIGINT) == 130
        assert stream.getvalue() == f"{prefix}matterhouse: interrupted; {interrupts.run_state.state()}\n"
