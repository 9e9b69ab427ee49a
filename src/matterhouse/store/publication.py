"""The layout of a publish location (`--publish`): each run's Parquet datasets in a folder
or on object storage, visible to readers all at once, across every table. Written by
matterhouse.steps.publish; read here (manifest) for matterhouse.read.tables.read_table.

Layout under the publish location:

    tables/<table>/...parquet           every file of every kept run (each file's name
                                        names the run that wrote it: steps/export.py)
    _manifests/0000000042.json          one per published run: each table's files (and,
                                        published as Iceberg tables, each one's snapshot id)
    _current.json                       the pointer: which manifest is current
    tables/<table>/metadata/            with --table-format iceberg: the Iceberg table's
                                        metadata (store/iceberg_tables.py)
    catalog.db                          with --table-format iceberg and no
                                        --iceberg-catalog: the SQLite catalog

A run uploads the files of its snapshot that the newest manifest does not list (known by
name: a file is never changed once written), then creates the next manifest with a
conditional create (O_EXCL on a folder, If-None-Match on S3), then replaces the pointer.
A reader reads the pointer, then the manifest it names, then exactly the files listed
there: it sees one whole run, never a mix, however the steps interleave. Manifests beyond
the newest `keep_runs` are deleted, then the Iceberg snapshots no kept manifest records,
then the files no kept manifest lists. (Locations
published by matterhouse 0.3 keep each run's files under runs/<run_id>/<table>/; their
manifests are read as they are, and their files deleted once no kept manifest lists them.)
"""

import json
from pathlib import Path

from matterhouse.plumbing.storage import Location, StorageError

POINTER = "_current.json"
MANIFESTS = "_manifests"
TABLES = "tables"
LEGACY_RUNS = "runs"


class RunNotKept(StorageError):
    """A reader asked for a run whose tables are no longer kept: its manifest at a publish
    location, or its snapshot in the warehouse folder (matterhouse.read.as_of)."""


def manifest(location: Location | str | Path, run: str | None = None, storage_options: dict | None = None) -> dict:
    """The current manifest, or that of run `run` (a run_id) while it is kept."""
    location = Location.of(location, storage_options)
    fs, root = location.filesystem()
    if run is None:
        for _ in range(3):
            try:
                pointer = read_json(fs, f"{root}/{POINTER}")
            except FileNotFoundError:
                raise StorageError(
                    f"nothing is published at {location}: run matterhouse with --publish {location} first"
                ) from None
            try:
                return read_json(fs, f"{root}/{MANIFESTS}/{pointer['version']:010d}.json")
            except FileNotFoundError:
                continue  # newer runs were published and this one dropped between the two reads
        raise StorageError(f"the runs published at {location} change faster than they can be read; try again")
    numbers = manifest_numbers(fs, root)
    for number in reversed(numbers):
        try:
            candidate = read_json(fs, f"{root}/{MANIFESTS}/{number:010d}.json")
        except FileNotFoundError:
            continue  # dropped since the listing
        if candidate["run_id"] == run:
            return candidate
    raise RunNotKept(
        f"run {run} is not among the {len(numbers)} runs kept at {location}; "
        "raise --keep-runs to keep more, or ask for a newer run"
    )


def manifest_numbers(fs, root: str) -> list[int]:
    fs.invalidate_cache(f"{root}/{MANIFESTS}")  # s3fs caches listings; this one must be fresh
    try:
        names = fs.ls(f"{root}/{MANIFESTS}", detail=False)
    except FileNotFoundError:
        return []
    stems = (name.rsplit("/", 1)[-1].removesuffix(".json") for name in names)
    return sorted(int(stem) for stem in stems if stem.isdigit())


def read_json(fs, path: str) -> dict:
    # One GET: a file opened for reading could be replaced between its HEAD and its reads.
    return json.loads(fs.cat_file(path))
