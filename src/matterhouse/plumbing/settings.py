"""Run configuration, resolved in one place: CLI flags > environment variables > defaults.

| setting    | flag            | environment variable              | default                  |
|------------|-----------------|-----------------------------------|--------------------------|
| sources    | --source (many) | MATTERHOUSE_SOURCE (os.pathsep)   | the bundled sample/      |
| warehouse  | --warehouse     | MATTERHOUSE_WAREHOUSE             | ./warehouse              |
| extensions | --extensions    | MATTERHOUSE_EXTENSIONS (commas)   | md,markdown,txt          |
| file limit | --max-file-size | MATTERHOUSE_MAX_FILE_SIZE         | 5MB                      |
| checks     | --checks        | MATTERHOUSE_CHECKS                | none (built-in only)     |
| storage    | --storage-option| MATTERHOUSE_STORAGE_OPTIONS (JSON)| none                     |
| Dask       | --dask-address  | MATTERHOUSE_DASK_ADDRESS          | local worker processes   |
| staging    | --staging       | MATTERHOUSE_STAGING               | inside the warehouse     |
| publish    | --publish       | MATTERHOUSE_PUBLISH               | none                     |
| kept runs  | --keep-runs     | MATTERHOUSE_KEEP_RUNS             | 10                       |

A source may be a folder or a URL (s3://bucket/prefix, or any fsspec URL); so may the
staging area and the publish target.

The library's `matterhouse.run()` resolves its keyword arguments the same way.
"""

import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
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
SIZE_UNITS = {"": 1, "B": 1, "KB": 2**10, "MB": 2**20, "GB": 2**30}
SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?B?)\s*", re.IGNORECASE)


class ConfigurationError(MatterhouseError):
    """A setting that cannot work, such as a source folder that does not exist."""


@dataclass(frozen=True)
class RunOptions:
    """Everything that configures a run, resolved and checked."""

    sources: tuple[Path | str, ...]  # folders, or URLs (str) read through fsspec
    warehouse: Path
    extensions: tuple[str, ...] = DEFAULT_EXTENSIONS
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    checks_dir: Path | None = None
    batch_size: int = DEFAULT_BATCH_SIZE
    full_refresh: bool = False
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    storage_options: dict = field(default_factory=dict)
    dask_address: str | None = None  # parse on this Dask cluster instead of local processes
    staging: str | None = None  # where parse workers write (a URL all of them reach); None: the run's folder
    publish: str | None = None  # a folder or URL to publish each run's tables to
    keep_runs: int = DEFAULT_KEEP_RUNS


def resolve(
    sources: Sequence[str | Path] | None = None,
    warehouse: str | Path | None = None,
    extensions: str | Sequence[str] | None = None,
    max_file_size: str | int | None = None,
    checks_dir: str | Path | None = None,
    *,
    batch_size: int | None = None,
    full_refresh: bool = False,
    lock_timeout: float | None = None,
    storage_options: dict | Sequence[str] | None = None,
    dask_address: str | None = None,
    staging: str | None = None,
    publish: str | Path | None = None,
    keep_runs: int | None = None,
    environ: dict | None = None,
) -> RunOptions:
    """Run options from arguments, then the environment, then defaults; checks that the
    folders exist. Extensions may be a list or comma-separated text, sizes bytes or text."""
    environ = os.environ if environ is None else environ
    if isinstance(sources, (str, Path)):
        sources = [sources]
    if sources is None and environ.get("MATTERHOUSE_SOURCE") is not None:
        # Split on the path separator, but not on a URL's own "://".
        sources = [part for part in re.split(rf"{re.escape(os.pathsep)}(?!//)", environ["MATTERHOUSE_SOURCE"]) if part]
    if sources is not None and not sources:  # never the sample in place of the user's files
        raise ConfigurationError("no source folder given: pass one or more, e.g. --source news/")
    # The same folder twice counts once; one inside another would read its files twice.
    source_paths = tuple(dict.fromkeys(_source(source) for source in sources or [SAMPLE_CORPUS]))
    for source in source_paths:
        if isinstance(source, str):
            storage.check_protocol(source)
            for other in source_paths:
                if isinstance(other, str) and other != source and source.startswith(f"{other}/"):
                    raise ConfigurationError(
                        f"source {source} is inside source {other}, so its files would be read twice: give only {other}"
                    )
            continue
        if not source.is_dir():
            raise ConfigurationError(f"source folder {source} does not exist or is not a folder")
        for other in source_paths:
            if isinstance(other, Path) and other != source and source.is_relative_to(other):
                raise ConfigurationError(
                    f"source folder {source} is inside source folder {other}, so its files would be read twice: give only {other}"
                )
    extensions = extensions or environ.get("MATTERHOUSE_EXTENSIONS") or DEFAULT_EXTENSIONS
    if isinstance(extensions, str):
        extensions = extensions.split(",")
    extension_list = tuple(sorted({part.strip().lstrip(".").lower() for part in extensions if part.strip()}))
    if not extension_list:
        raise ConfigurationError("no file extensions given: pass e.g. --extensions md,txt")
    size = max_file_size or environ.get("MATTERHOUSE_MAX_FILE_SIZE") or DEFAULT_MAX_FILE_SIZE
    checks_text = checks_dir or environ.get("MATTERHOUSE_CHECKS")
    checks = Path(checks_text).expanduser().resolve() if checks_text else None
    if checks is not None and not checks.is_dir():
        raise ConfigurationError(f"checks folder {checks} does not exist or is not a folder")
    if lock_timeout is not None and lock_timeout < 0:
        raise ConfigurationError(f"lock timeout {lock_timeout:g} is negative: give the seconds to wait, e.g. 30")
    if batch_size is not None and batch_size < 1:
        raise ConfigurationError(f"batch size {batch_size} is not a positive number of files")
    if not isinstance(storage_options, dict):
        storage_options = storage.parse_storage_options(storage_options, environ.get("MATTERHOUSE_STORAGE_OPTIONS"))
    staging = staging or environ.get("MATTERHOUSE_STAGING") or None
    publish = publish or environ.get("MATTERHOUSE_PUBLISH") or None
    for location in (staging, publish):
        if location is not None and storage.is_url(location):
            storage.check_protocol(str(location))
    if keep_runs is None:
        text = environ.get("MATTERHOUSE_KEEP_RUNS") or str(DEFAULT_KEEP_RUNS)
        if not text.strip().isdigit():
            raise ConfigurationError(f"MATTERHOUSE_KEEP_RUNS={text!r} is not a whole number of runs, e.g. 10")
        keep_runs = int(text)
    if keep_runs < 1:
        raise ConfigurationError(f"--keep-runs {keep_runs}: keep at least the current run (1 or more)")
    return RunOptions(
        sources=source_paths,
        warehouse=resolve_warehouse(warehouse, environ),
        extensions=extension_list,
        max_file_size=size if isinstance(size, int) else parse_size(size),
        checks_dir=checks,
        batch_size=batch_size or DEFAULT_BATCH_SIZE,
        full_refresh=full_refresh,
        lock_timeout=DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout,
        storage_options=storage_options,
        dask_address=dask_address or environ.get("MATTERHOUSE_DASK_ADDRESS") or None,
        staging=_location(staging),
        publish=_location(publish),
        keep_runs=keep_runs,
    )


def _source(source: str | Path) -> Path | str:
    """A source folder as an absolute path; a URL (s3://...) as written, without trailing slashes."""
    return storage.normalize_url(str(source)) if storage.is_url(source) else storage.local_path(source)


def _location(location: str | Path | None) -> str | None:
    """A staging or publish location: a normalized URL, or an absolute local path."""
    return None if location is None else str(_source(location))


def resolve_warehouse(warehouse: str | Path | None = None, environ: dict | None = None) -> Path:
    """The warehouse folder from the flag, then MATTERHOUSE_WAREHOUSE, then ./warehouse."""
    environ = os.environ if environ is None else environ
    path = Path(warehouse or environ.get("MATTERHOUSE_WAREHOUSE") or DEFAULT_WAREHOUSE).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise ConfigurationError(
            f"the warehouse {path} is a file, not a folder: give --warehouse a folder (it is created if missing)"
        )
    return path


def parse_size(text: str) -> int:
    """Bytes from a size such as 5MB, 512KB, 0.5GB or 1000 (KB = 1024 bytes)."""
    match = SIZE.fullmatch(text)
    if not match or float(match.group(1)) <= 0:
        raise ConfigurationError(f"file size limit {text!r} is not a size such as 5MB, 512KB or 1000")
    prefix = match.group(2).upper().rstrip("B")
    return int(float(match.group(1)) * SIZE_UNITS[f"{prefix}B" if prefix else "B"])


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
