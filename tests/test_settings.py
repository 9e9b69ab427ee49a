import inspect

import pytest

from matterhouse.plumbing.settings import (
    SAMPLE_CORPUS,
    ConfigurationError,
    as_parameters,
    describe_size,
    parse_size,
    prefect_api_configured,
    resolve,
)
from matterhouse.plumbing.storage import Location


def test_flags_beat_environment_beat_defaults(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "c").mkdir()
    environ = {
        "MATTERHOUSE_SOURCE": f"{tmp_path / 'a'}:{tmp_path / 'b'}",
        "MATTERHOUSE_WAREHOUSE": str(tmp_path / "env-warehouse"),
        "MATTERHOUSE_EXTENSIONS": "md",
        "MATTERHOUSE_MAX_FILE_SIZE": "1KB",
    }
    from_environment = resolve(environ=environ)
    assert [source.path for source in from_environment.sources] == [tmp_path / "a", tmp_path / "b"]
    assert (from_environment.warehouse, from_environment.extensions) == (tmp_path / "env-warehouse", ("md",))
    assert from_environment.max_file_size == 1024

    from_flags = resolve(
        [str(tmp_path / "c")], str(tmp_path / "flag-warehouse"), extensions=".TXT, md", max_file_size="2MB", environ=environ
    )
    assert [source.path for source in from_flags.sources] == [tmp_path / "c"]
    assert (from_flags.warehouse, from_flags.extensions) == (tmp_path / "flag-warehouse", ("md", "txt"))
    assert from_flags.max_file_size == 2 * 2**20

    defaults = resolve(environ={})
    assert [source.path for source in defaults.sources] == [SAMPLE_CORPUS]
    assert defaults.extensions == ("markdown", "md", "txt")
    assert (defaults.max_file_size, defaults.checks_dir) == (5 * 2**20, None)


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"sources": ["/no/such/folder"]}, "source folder /no/such/folder does not exist or is not a folder"),
        ({"checks_dir": "/no/checks"}, "checks folder /no/checks does not exist or is not a folder"),
        ({"extensions": " , "}, "no file extensions given: pass e.g. --extensions md,txt"),
        ({"max_file_size": "lots"}, "file size limit 'lots' is not a size such as 5MB, 512KB or 1000"),
        ({"sources": []}, "no source folder given: pass one or more, e.g. --source news/"),
        ({"batch_size": 0}, "batch size 0 is not a positive number of files"),
        ({"environ": {"MATTERHOUSE_SOURCE": ""}}, "no source folder given: pass one or more, e.g. --source news/"),
        ({"memory_limit": "lots"}, "--memory-limit 'lots' is not a size such as 300MB, 1GB or 512MB"),
        ({"memory_limit": "-1GB"}, "--memory-limit '-1GB' is not a size such as 300MB, 1GB or 512MB"),
        (
            {"memory_limit": "16MB"},
            "--memory-limit 16MB is too little for DuckDB to load a run: give 64MB or more (the default is 300MB)",
        ),
        (
            {"memory_limit": 1000},
            "--memory-limit 1000 is too little for DuckDB to load a run: give 64MB or more (the default is 300MB)",
        ),
        (
            {"environ": {"MATTERHOUSE_MEMORY_LIMIT": "300 M B"}},
            "MATTERHOUSE_MEMORY_LIMIT='300 M B' is not a size such as 300MB, 1GB or 512MB",
        ),
        (
            {"environ": {"MATTERHOUSE_MEMORY_LIMIT": "0.05GB"}},
            "MATTERHOUSE_MEMORY_LIMIT='0.05GB' is too little for DuckDB to load a run: give 64MB or more (the default is 300MB)",
        ),
    ],
)
def test_settings_that_cannot_work_say_what_to_fix(arguments, message):
    with pytest.raises(ConfigurationError) as raised:
        resolve(**{"environ": {}, **arguments})
    assert str(raised.value) == message


@pytest.mark.parametrize(
    "text, size", [("5MB", 5 * 2**20), ("512kb", 512 * 2**10), ("0.5GB", 2**29), ("1000", 1000), ("10 B", 10)]
)
def test_sizes(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize(
    "given, size",
    [("300MB", 300 * 2**20), ("1GB", 2**30), ("512 MB", 512 * 2**20), ("2gb", 2 * 2**30), ("64mb", 64 * 2**20), (2**30, 2**30)],
)
def test_memory_limits(given, size):
    assert resolve(environ={}, memory_limit=given).memory_limit == size
    assert resolve(environ={"MATTERHOUSE_MEMORY_LIMIT": str(given)}).memory_limit == size


def test_the_memory_limit_comes_from_the_flag_then_the_environment_then_the_default():
    environ = {"MATTERHOUSE_MEMORY_LIMIT": "1GB"}
    assert resolve(environ=environ, memory_limit="2GB").memory_limit == 2 * 2**30
    assert resolve(environ=environ).memory_limit == 2**30
    assert resolve(environ={"MATTERHOUSE_MEMORY_LIMIT": ""}).memory_limit == resolve(environ={}).memory_limit == 300 * 2**20


def test_the_memory_limit_is_a_flag_a_keyword_argument_and_a_flow_parameter():
    import matterhouse
    from matterhouse.cli import build_parser

    run_parser = build_parser()._subparsers._group_actions[0].choices["run"]
    assert "--memory-limit" in {option for action in run_parser._actions for option in action.option_strings}
    assert "memory_limit" in inspect.signature(matterhouse.run).parameters
    from matterhouse.flows.pipeline import matterhouse_run

    assert inspect.signature(matterhouse_run.fn).parameters["memory_limit"].default == 300 * 2**20
    # A flow run's parameters, which resolve takes back unchanged.
    parameters = as_parameters(resolve(environ={}, memory_limit="1GB"))
    assert parameters["memory_limit"] == 2**30
    assert resolve(**parameters, environ={}).memory_limit == 2**30


def test_sizes_read_back_as_people_write_them():
    assert [describe_size(size) for size in (10, 2000, 5 * 2**20, 12_345_678)] == ["10 bytes", "1.95 KB", "5 MB", "11.8 MB"]


@pytest.mark.parametrize(
    "environ, profiles, configured",
    [
        ({"PREFECT_API_URL": "http://127.0.0.1:4200/api"}, None, True),
        ({}, None, False),
        ({}, 'active = "local"\n[profiles.local]\nPREFECT_API_URL = "http://127.0.0.1:4200/api"\n', True),
        ({}, 'active = "local"\n[profiles.local]\nPREFECT_LOGGING_LEVEL = "INFO"\n', False),
        ({"PREFECT_PROFILE": "other"}, 'active = "local"\n[profiles.local]\nPREFECT_API_URL = "http://x/api"\n', False),
        ({}, "not = [toml", False),
    ],
)
def test_a_prefect_api_is_configured_by_the_environment_or_the_active_profile(tmp_path, environ, profiles, configured):
    if profiles is not None:
        (tmp_path / "profiles.toml").write_text(profiles, encoding="utf-8")
    assert prefect_api_configured({**environ, "PREFECT_HOME": str(tmp_path)}) is configured


def test_one_source_may_be_given_without_a_list(tmp_path):
    assert resolve(str(tmp_path), environ={}).sources == resolve(tmp_path, environ={}).sources == (Location.of(tmp_path),)
