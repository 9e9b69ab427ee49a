"""Run configuration, resolved once, at the edge: arguments (CLI flags, keyword arguments
of `matterhouse.run`, a flow run's parameters) > environment variables > defaults.

Each option is declared once, as a field of RunOptions with its flag, environment variable
and help in the field's metadata: the CLI's flags, `matterhouse.run`'s keyword arguments
and the Prefect flow's parameters are all made from those fields. A source, the staging
area and the publish target may each be a folder or a URL (s3://bucket/prefix, or any
fsspec URL): that is decided here, once, as a storage.Location.
"""

import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from importlib.util import find_spec
from pathlib import Path

from matterhouse.plumbing import storage
from matterhouse.transforms.errors import MatterhouseError


def package_folder(name: str) -> Path:
    """The folder of one of matterhouse's data packages (sql, sample), wherever the install
    put it: inside site-packages, or the repository's own folder in an editable install.
    (importlib.resources would do the same, at 40 ms of imports per CLI start.)"""
    return Path(find_spec(name).submodule_search_locations[0])


# Shipped inside the package, so `matterhouse run` works from any folder after any install.
SAMPLE_CORPUS = package_folder("matterhouse.sample")
DEFAULT_WAREHOUSE = Path("warehouse")
DEFAULT_EXTENSIONS = ("md", "markdown", "txt")
# Real articles are a few KB; anything this large is an export, a dump or an attack.
DEFAULT_MAX_FILE_SIZE = 5 * 2**20
# How long a run waits, with backoff, for another process to release the DuckDB file.
DEFAULT_LOCK_TIMEOUT = 30.0
# Files per parse task: a worker holds about 50 MB of records per 1,000 files.
DEFAULT_BATCH_SIZE = 1000
# Published runs a reader can still ask for (matterhouse.read_table(..., run=...)).
DEFAULT_KEEP_RUNS = 10
# DuckDB's memory limit for a run (--memory-limit). DuckDB would take up to 80% of the
# machine's memory; capped, it spills to disk instead, so a run's memory does not grow
# with the corpus. With Python and pyarrow (about 190 MB) and what DuckDB holds beyond
# its limit, a run of 100,000 files peaked near 490 MB and one of 1,000,000 near 560 MB.
# A million files need more than 256 MB here: at that limit the articles model (a hash
# join of the chosen versions, every version and the files) runs out of memory. (That was
# measured with DuckDB's "300MB" and "256MB", which are 286 and 244 MiB; here, as for
# --max-file-size, an MB is 2**20 bytes, so the default is 300 MiB.)
DEFAULT_MEMORY_LIMIT = 300 * 2**20
# --table-format: Parquet files with manifests of our own, or Apache Iceberg tables.
TABLE_FORMATS = ("parquet", "iceberg")
DEFAULT_ICEBERG_NAMESPACE = "matterhouse"
# The least --memory-limit takes, because DuckDB cannot load a run in much less: on two
# cores a run of the bundled sample ran out of memory at 16 MB, and of a single file at
# 8 MB, and DuckDB's buffers grow with its threads, so more cores need more. Next to the
# 190 MB that Python and pyarrow take anyway, a lower limit would save little.
MIN_MEMORY_LIMIT = 64 * 2**20
SIZE_UNITS = {"": 1, "B": 1, "KB": 2**10, "MB": 2**20, "GB": 2**30}
MAX_DELETE = re.compile(r"\s*\d+(\.\d+)?%?\s*")
SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?B?)\s*", re.IGNORECASE)


class ConfigurationError(MatterhouseError):
    """A setting that cannot work, such as a source folder that does not exist."""


def positive_integer(text: str) -> int:
    """A command-line count of 1 or more."""
    import argparse

    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def option(
    flag: str, help: str, *, env: str | None = None, metavar: str | None = None, shown_default: str | None = None, **argparse
) -> dict:
    """A RunOptions field's metadata: how people give the option, and its default as
    people read it. `argparse` holds the add_argument keywords beyond flag, help and
    metavar (action, type)."""
    return {"flag": flag, "env": env, "help": help, "metavar": metavar, "shown_default": shown_default, "argparse": argparse}


@dataclass(frozen=True)
class RunOptions:
    """Everything that configures a run, resolved and checked (`resolve`)."""

    sources: tuple[storage.Location, ...] = field(
        default=(),
        metadata=option(
            "--source",
            "folder or URL (s3://bucket/prefix) to read, repeatable",
            shown_default="the bundled sample",
            env="MATTERHOUSE_SOURCE",
            metavar="DIR|URL",
            action="append",
        ),
    )
    warehouse: Path = field(
        default=DEFAULT_WAREHOUSE,
        metadata=option("--warehouse", "output folder", shown_default="./warehouse", env="MATTERHOUSE_WAREHOUSE", metavar="DIR"),
    )
    extensions: tuple[str, ...] = field(
        default=DEFAULT_EXTENSIONS,
        metadata=option(
            "--extensions",
            "comma-separated file extensions to read",
            shown_default="md,markdown,txt",
            env="MATTERHOUSE_EXTENSIONS",
            metavar="LIST",
        ),
    )
    max_file_size: int = field(
        default=DEFAULT_MAX_FILE_SIZE,
        metadata=option(
            "--max-file-size",
            "reject larger files unread, e.g. 5MB, 512KB",
            shown_default="5MB",
            env="MATTERHOUSE_MAX_FILE_SIZE",
            metavar="SIZE",
        ),
    )
    checks_dir: Path | None = field(
        default=None,
        metadata=option(
            "--checks", "folder of extra data checks: SQL files that must return no rows", env="MATTERHOUSE_CHECKS", metavar="DIR"
        ),
    )
    full_refresh: bool = field(
        default=False, metadata=option("--full-refresh", "read every file again and rebuild everything", action="store_true")
    )
    lock_timeout: float = field(
        default=DEFAULT_LOCK_TIMEOUT,
        metadata=option(
            "--lock-timeout",
            "how long to wait, with backoff, for another process to release the DuckDB file",
            shown_default=f"{DEFAULT_LOCK_TIMEOUT:.0f}",
            metavar="SECONDS",
            type=float,
        ),
    )
    batch_size: int = field(
        default=DEFAULT_BATCH_SIZE,
        metadata=option(
            "--batch-size", "files per parse batch", shown_default=str(DEFAULT_BATCH_SIZE), metavar="N", type=positive_integer
        ),
    )
    storage_options: dict = field(
        default_factory=dict,
        metadata=option(
            "--storage-option",
            "option for the object store's file system, repeatable, e.g. endpoint_url=http://127.0.0.1:9000; "
            "credentials come from the AWS environment or profile",
            env="MATTERHOUSE_STORAGE_OPTIONS",  # a JSON object
            metavar="KEY=VALUE",
            action="append",
        ),
    )
    dask_address: str | None = field(
        default=None,
        metadata=option(
            "--dask-address",
            "parse on the Dask cluster at ADDRESS, e.g. tcp://10.0.0.5:8786",
            shown_default="this machine's cores",
            env="MATTERHOUSE_DASK_ADDRESS",
            metavar="ADDRESS",
        ),
    )
    staging: storage.Location | None = field(
        default=None,
        metadata=option(
            "--staging",
            "the staging area, where parse workers write the run's Parquet; every worker must reach it",
            shown_default="inside the warehouse folder",
            env="MATTERHOUSE_STAGING",
            metavar="DIR|URL",
        ),
    )
    publish: storage.Location | None = field(
        default=None,
        metadata=option(
            "--publish",
            "also publish each run's tables there, all at once; read them with matterhouse.read_table",
            env="MATTERHOUSE_PUBLISH",
            metavar="DIR|URL",
        ),
    )
    table_format: str = field(
        default="parquet",
        metadata=option(
            "--table-format",
            "how --publish lays out the tables: parquet (files and manifests) or iceberg (Apache Iceberg tables in a catalog)",
            shown_default="parquet",
            env="MATTERHOUSE_TABLE_FORMAT",
            choices=TABLE_FORMATS,
        ),
    )
    iceberg_catalog: str | None = field(
        default=None,
        metadata=option(
            "--iceberg-catalog",
            "the pyiceberg catalog to commit to, configured as pyiceberg reads it "
            "(.pyiceberg.yaml, PYICEBERG_CATALOG__NAME__* variables)",
            shown_default="a SQLite catalog in a --publish folder",
            env="MATTERHOUSE_ICEBERG_CATALOG",
            metavar="NAME",
        ),
    )
    iceberg_namespace: str = field(
        default=DEFAULT_ICEBERG_NAMESPACE,
        metadata=option(
            "--iceberg-namespace",
            "the catalog namespace the Iceberg tables are in",
            shown_default=DEFAULT_ICEBERG_NAMESPACE,
            env="MATTERHOUSE_ICEBERG_NAMESPACE",
            metavar="NAME",
        ),
    )
    allow_empty_source: bool = field(
        default=False,
        metadata=option(
            "--allow-empty-source",
            "let a source with no files to read stand for every file there deleted (without it, such a run is refused)",
            action="store_true",
        ),
    )
    max_delete: str | None = field(
        default=None,
        metadata=option(
            "--max-delete",
            "refuse a run that would delete more than N files, or P%% of the files the warehouse knows",
            env="MATTERHOUSE_MAX_DELETE",
            metavar="N|P%",
            shown_default="no limit",
        ),
    )
    keep_runs: int = field(
        default=DEFAULT_KEEP_RUNS,
        metadata=option(
            "--keep-runs",
            "runs whose tables stay readable, for query --as-of and at --publish",
            shown_default=str(DEFAULT_KEEP_RUNS),
            env="MATTERHOUSE_KEEP_RUNS",
            metavar="N",
            type=positive_integer,
        ),
    )
    memory_limit: int = field(
        default=DEFAULT_MEMORY_LIMIT,
        metadata=option(
            "--memory-limit",
            "DuckDB's memory for the run, beyond which it spills to disk, e.g. 1GB; raise it if a run runs out of memory",
            shown_default="300MB",
            env="MATTERHOUSE_MEMORY_LIMIT",
            metavar="SIZE",
        ),
    )


# The options, by name, in their declared order.
OPTIONS = {option.name: option for option in fields(RunOptions)}


def resolve(
    sources: Sequence[str | Path] | str | Path | None = None,
    warehouse: str | Path | None = None,
    *,
    environ: dict | None = None,
    **given,
) -> RunOptions:
    """Run options from arguments named as RunOptions' fields, then the environment, then
    defaults; checks that the folders exist. Extensions may be a list or comma-separated
    text, sizes bytes or text, storage options a dict or key=value pairs."""
    unknown = sorted(set(given) - set(OPTIONS))
    if unknown:
        raise TypeError(f"unknown run option {unknown[0]!r}; the options are {', '.join(OPTIONS)}")
    environ = os.environ if environ is None else environ

    def from_environment(name: str) -> str | None:
        return environ.get(OPTIONS[name].metadata["env"])

    def given_or_environment(name: str):
        return given.get(name) or from_environment(name) or None

    storage_options = given.get("storage_options")
    if not isinstance(storage_options, dict):
        storage_options = storage.parse_storage_options(storage_options, from_environment("storage_options"))
    if isinstance(sources, (str, Path)):
        sources = [sources]
    if sources is None and from_environment("sources") is not None:
        # Split on the path separator, but not on a URL's own "://".
        sources = [part for part in re.split(rf"{re.escape(os.pathsep)}(?!//)", from_environment("sources")) if part]
    if sources is not None and not sources:  # never the sample in place of the user's files
        raise ConfigurationError("no source folder given: pass one or more, e.g. --source news/")
    # The same folder twice counts once; one inside another would read its files twice.
    locations = tuple(dict.fromkeys(storage.Location.of(source, storage_options) for source in sources or [SAMPLE_CORPUS]))
    for source in locations:
        if not source.is_url and not source.path.is_dir():
            raise ConfigurationError(f"source folder {source} does not exist or is not a folder")
        for other in locations:
            if other.is_url == source.is_url and other != source and source.text.startswith(f"{other.text.rstrip('/')}/"):
                kind = "" if source.is_url else " folder"
                raise ConfigurationError(
                    f"source{kind} {source} is inside source{kind} {other}, so its files would be read twice: give only {other}"
                )
    extensions = given_or_environment("extensions") or DEFAULT_EXTENSIONS
    if isinstance(extensions, str):
        extensions = extensions.split(",")
    extension_list = tuple(sorted({part.strip().lstrip(".").lower() for part in extensions if part.strip()}))
    if not extension_list:
        raise ConfigurationError("no file extensions given: pass e.g. --extensions md,txt")
    size = given_or_environment("max_file_size") or DEFAULT_MAX_FILE_SIZE
    checks_text = given_or_environment("checks_dir")
    checks = Path(checks_text).expanduser().resolve() if checks_text else None
    if checks is not None and not checks.is_dir():
        raise ConfigurationError(f"checks folder {checks} does not exist or is not a folder")
    lock_timeout = given.get("lock_timeout")
    if lock_timeout is not None and lock_timeout < 0:
        raise ConfigurationError(f"lock timeout {lock_timeout:g} is negative: give the seconds to wait, e.g. 30")
    batch_size = given.get("batch_size")
    if batch_size is not None and batch_size < 1:
        raise ConfigurationError(f"batch size {batch_size} is not a positive number of files")
    staging, publish = given_or_environment("staging"), given_or_environment("publish")
    max_delete = given_or_environment("max_delete")
    if max_delete is not None and not MAX_DELETE.fullmatch(str(max_delete)):
        raise ConfigurationError(f"--max-delete {max_delete!r} is not a number of files or a percentage, e.g. 100 or 5%")
    keep_runs = given.get("keep_runs")
    if keep_runs is None:
        text = from_environment("keep_runs") or str(DEFAULT_KEEP_RUNS)
        if not text.strip().isdigit():
            raise ConfigurationError(f"{OPTIONS['keep_runs'].metadata['env']}={text!r} is not a whole number of runs, e.g. 10")
        keep_runs = int(text)
    if keep_runs < 1:
        raise ConfigurationError(f"--keep-runs {keep_runs}: keep at least the current run (1 or more)")
    warehouse_folder = resolve_warehouse(warehouse, environ)
    publish = None if publish is None else storage.Location.of(publish, storage_options)
    if publish is not None and not publish.is_url and publish.path.is_relative_to(warehouse_folder):
        raise ConfigurationError(
            f"--publish {publish} is the warehouse folder or inside it, which holds the run's tables already "
            f"(matterhouse.read_table reads them there): publish to a folder or URL of its own"
        )
    table_format = (given_or_environment("table_format") or TABLE_FORMATS[0]).strip().lower()
    if table_format not in TABLE_FORMATS:
        raise ConfigurationError(f"--table-format {table_format!r} is not one of {', '.join(TABLE_FORMATS)}")
    iceberg_catalog = given_or_environment("iceberg_catalog")
    if table_format == "iceberg":
        _check_iceberg(publish, iceberg_catalog)
    return RunOptions(
        sources=locations,
        warehouse=warehouse_folder,
        extensions=extension_list,
        max_file_size=size if isinstance(size, int) else parse_size(size),
        checks_dir=checks,
        batch_size=batch_size or DEFAULT_BATCH_SIZE,
        full_refresh=bool(given.get("full_refresh")),
        lock_timeout=DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout,
        storage_options=storage_options,
        dask_address=given_or_environment("dask_address"),
        staging=None if staging is None else storage.Location.of(staging, storage_options),
        publish=publish,
        allow_empty_source=bool(given.get("allow_empty_source")),
        max_delete=None if max_delete is None else str(max_delete).strip(),
        keep_runs=keep_runs,
        table_format=table_format,
        iceberg_catalog=iceberg_catalog,
        iceberg_namespace=given_or_environment("iceberg_namespace") or DEFAULT_ICEBERG_NAMESPACE,
        memory_limit=resolve_memory_limit(given.get("memory_limit"), from_environment("memory_limit") or None),
    )


def _check_iceberg(publish: storage.Location | None, catalog: str | None) -> None:
    """Iceberg tables need somewhere to publish, a catalog, and pyiceberg."""
    if publish is None:
        raise ConfigurationError("--table-format iceberg lays out the --publish location: give --publish DIR|URL too")
    if publish.is_url and catalog is None:
        raise ConfigurationError(
            f"Iceberg tables at {publish} need a catalog: configure one for pyiceberg "
            "(e.g. PYICEBERG_CATALOG__NEWS__URI) and pass --iceberg-catalog NEWS"
        )
    if find_spec("pyiceberg") is None:
        raise ConfigurationError("--table-format iceberg needs pyiceberg: pip install 'matterhouse[iceberg]'")


def as_parameters(options: RunOptions) -> dict:
    """Resolved options as plain values (text, numbers, lists, a dict) that resolve takes
    back unchanged: a Prefect flow run's parameters."""
    plain = {}
    for name in OPTIONS:
        value = getattr(options, name)
        if isinstance(value, tuple):
            value = [str(item) for item in value]
        elif isinstance(value, (Path, storage.Location)):
            value = str(value)
        plain[name] = value
    return plain


def resolve_warehouse(warehouse: str | Path | None = None, environ: dict | None = None) -> Path:
    """The warehouse folder from the flag, then MATTERHOUSE_WAREHOUSE, then ./warehouse."""
    environ = os.environ if environ is None else environ
    path = Path(warehouse or environ.get(OPTIONS["warehouse"].metadata["env"]) or DEFAULT_WAREHOUSE).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise ConfigurationError(
            f"the warehouse {path} is a file, not a folder: give --warehouse a folder (it is created if missing)"
        )
    return path


def parse_size(text: str) -> int:
    """Bytes from a size such as 5MB, 512KB, 0.5GB or 1000 (KB = 1024 bytes)."""
    size = _bytes(text)
    if size is None:
        raise ConfigurationError(f"file size limit {text!r} is not a size such as 5MB, 512KB or 1000")
    return size


def resolve_memory_limit(given: int | str | None, from_environment: str | None) -> int:
    """DuckDB's memory limit for a run, in bytes: the argument (bytes, or a size such as
    1GB or 512 MB), else MATTERHOUSE_MEMORY_LIMIT, else the default."""
    if given is None and from_environment is None:
        return DEFAULT_MEMORY_LIMIT
    spec = OPTIONS["memory_limit"].metadata
    value, named = (given, f"{spec['flag']} ") if given is not None else (from_environment, f"{spec['env']}=")
    size = value if isinstance(value, int) else _bytes(str(value))
    if size is None:
        raise ConfigurationError(f"{named}{value!r} is not a size such as 300MB, 1GB or 512MB")
    if size < MIN_MEMORY_LIMIT:
        shown = str(value).strip() if given is not None else repr(value)
        raise ConfigurationError(
            f"{named}{shown} is too little for DuckDB to load a run: give {MIN_MEMORY_LIMIT // 2**20}MB or more "
            f"(the default is {spec['shown_default']})"
        )
    return size


def _bytes(text: str) -> int | None:
    """Bytes from a size such as 5MB, 512 kb, 0.5GB or 1000; None if it is not one."""
    match = SIZE.fullmatch(text)
    if not match or float(match.group(1)) <= 0:
        return None
    prefix = match.group(2).upper().rstrip("B")
    return int(float(match.group(1)) * SIZE_UNITS[f"{prefix}B" if prefix else "B"])


def delete_limit(max_delete: str, known: int) -> int:
    """How many files a run may delete under --max-delete (N, or P% of `known` files)."""
    if max_delete.endswith("%"):
        return int(known * float(max_delete[:-1]) / 100)
    return int(float(max_delete))


def describe_size(size: int) -> str:
    """A size as people write it: 512 bytes, 12.3 KB, 5 MB."""
    for unit in ("GB", "MB", "KB"):
        if size >= SIZE_UNITS[unit]:
            return f"{size / SIZE_UNITS[unit]:.3g} {unit}"
    return f"{size} bytes"


def prefect_api_configured(environ: dict | None = None) -> bool:
    return prefect_api_url(environ) is not None


def prefect_api_url(environ: dict | None = None) -> str | None:
    """The API Prefect reports to: PREFECT_API_URL in the environment or in the active
    profile. Read from the profiles file directly, because importing Prefect to ask costs
    a run that does not need it more than a second."""
    environ = os.environ if environ is None else environ
    if environ.get("PREFECT_API_URL"):
        return environ["PREFECT_API_URL"]
    home = Path(environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    profiles_path = Path(environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    try:
        profiles = tomllib.loads(profiles_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    active = environ.get("PREFECT_PROFILE") or profiles.get("active") or "ephemeral"
    return profiles.get("profiles", {}).get(active, {}).get("PREFECT_API_URL") or None
