"""The command line as a person types it: mistakes are caught the same way and named,
options are never abbreviated, and every line of help fits 80 columns."""

import pytest

from matterhouse.cli import main

COMMANDS = ("run", "serve", "query", "report", "status")


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["run", "--sorce", "news"], "unrecognized arguments: --sorce news (did you mean --source?)"),
        (["run", "--warehous", "w"], "unrecognized arguments: --warehous w (did you mean --warehouse?)"),
        (["run", "--full"], "unrecognized arguments: --full (did you mean --full-refresh?)"),
        (["status", "--run", "3"], "unrecognized arguments: --run 3 (did you mean --runs?)"),
        (["run", "--batch-size", "0"], "argument --batch-size: '0' is not a whole number of 1 or more"),
        (["run", "--keep-runs", "0"], "argument --keep-runs: '0' is not a whole number of 1 or more"),
    ],
)
def test_mistakes_are_usage_errors_that_say_what_was_meant(arguments, said, capsys):
    with pytest.raises(SystemExit) as exit:
        main(arguments)
    assert exit.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(said)


@pytest.mark.parametrize("command", [[], *([name] for name in COMMANDS)])
def test_help_fits_80_columns_in_any_terminal(command, capsys, monkeypatch):
    for columns in ("80", "200"):
        monkeypatch.setenv("COLUMNS", columns)
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        lines = capsys.readouterr().out.splitlines()
        assert lines and max(map(len, lines)) <= 80, (command, columns)
