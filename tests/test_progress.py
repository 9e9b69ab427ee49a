import io

from matterhouse.plumbing.progress_bar import MIN_FILES_FOR_BAR, file_progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_long_runs_in_a_terminal_draw_a_bar(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with file_progress(MIN_FILES_FOR_BAR) as advance:
        advance(MIN_FILES_FOR_BAR)
    assert f"{MIN_FILES_FOR_BAR:,}/{MIN_FILES_FOR_BAR:,}" in terminal.getvalue()  # numbers as the summary writes them


def test_short_runs_and_pipes_draw_nothing(monkeypatch):
    terminal, pipe = Terminal(), io.StringIO()
    monkeypatch.setattr("sys.stderr", terminal)
    with file_progress(MIN_FILES_FOR_BAR - 1) as advance:
        advance(1)
    monkeypatch.setattr("sys.stderr", pipe)
    with file_progress(MIN_FILES_FOR_BAR * 2) as advance:
        advance(1)
    assert terminal.getvalue() == pipe.getvalue() == ""
