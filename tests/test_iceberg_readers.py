"""Iceberg tables as their readers see them: pyiceberg's scans, polars (scan_iceberg,
through a pyiceberg catalog) and DuckDB 1.5 with its iceberg extension, each installed in an environment of
its own (tests/clients.py), read every table of a held-out corpus at two kept runs, from a
publish folder and from S3 (a real moto server), and get the warehouse's rows."""

import json
import os
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

import matterhouse
from matterhouse.plumbing.storage import Location
from matterhouse.store import publication
from matterhouse.store.tables import PUBLISHED_TABLES

from .clients import run_client
from .conftest import PROJECT_ROOT
from .iceberg_helpers import rows
from .servers import aws_environment, environment, s3_server

pytestmark = pytest.mark.slow

BUCKET = "lake"
CORPUS_FILES = 300

POLARS = """
import json, sys
import polars
from pyiceberg.catalog import load_catalog

spec = json.loads(sys.argv[1])
catalog = load_catalog(spec["catalog_name"], **spec["catalog"])
for name, table in spec["tables"].items():
    iceberg = catalog.load_table(("matterhouse", name))
    frame = polars.scan_iceberg(iceberg, snapshot_id=table["snapshot_id"]).collect()
    frame.write_parquet(f"{spec['out']}/{name}.parquet")
print(polars.__version__)
"""

PYICEBERG = """
import json, sys
import pyarrow.parquet
import pyiceberg
from pyiceberg.catalog import load_catalog

spec = json.loads(sys.argv[1])
catalog = load_catalog(spec["catalog_name"], **spec["catalog"])
for name, table in spec["tables"].items():
    arrow = catalog.load_table(("matterhouse", name)).scan(snapshot_id=table["snapshot_id"]).to_arrow()
    pyarrow.parquet.write_table(arrow, f"{spec['out']}/{name}.parquet")
print(pyiceberg.__version__)
"""

DUCKDB = """
import glob, importlib.util, json, os, sys
import duckdb

spec = json.loads(sys.argv[1])
connection = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
for name in ("httpfs", "avro", "iceberg"):  # installed as packages: DuckDB cannot download them here
    package = os.path.dirname(importlib.util.find_spec(f"duckdb_extension_{name}").origin)
    connection.execute(f"load '{glob.glob(package + '/extensions/*/*.duckdb_extension')[0]}'")
if spec["s3"]:
    connection.execute(
        "create secret (type s3, key_id ?, secret ?, endpoint ?, region 'us-east-1', url_style 'path', use_ssl false)",
        [spec["s3"]["key"], spec["s3"]["secret"], spec["s3"]["endpoint"]],
    )
for name, table in spec["tables"].items():
    connection.execute(
        f"copy (select * from iceberg_scan(?, snapshot_from_id = {int(table['snapshot_id'])})) to '{spec['out']}/{name}.parquet'",
        [table["metadata"]],
    )
print(duckdb.__version__)
"""


def generate(corpus):
    generator = PROJECT_ROOT / "benchmarks" / "generate_corpus.py"
    arguments = ["--files", str(CORPUS_FILES), "--seed", "23", "--broken", "0.02"]
    subprocess.run([sys.executable, str(generator), str(corpus), *arguments], check=True)


def change(corpus):
    """Edit some titles, delete some files, add one."""
    files = sorted(corpus.rglob("*.md"))
    for path in files[:15]:
        path.write_text(path.read_text(encoding="utf-8").replace("title:", "title: Updated:", 1), encoding="utf-8")
    for path in files[15:25]:
        path.unlink()
    (corpus / "late.md").write_text("---\ntitle: Late\nwebUrl: https://example.com/late\n---\nBody\n", encoding="utf-8")


def publish(corpus, warehouse, location, env, *options):
    command = [sys.executable, "-m", "matterhouse.cli", "run", "--source", str(corpus), "--warehouse", str(warehouse)]
    command += ["--publish", str(location), "--table-format", "iceberg", *options]
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("MATTERHOUSE_", "PYICEBERG_", "PREFECT_"))}
    result = subprocess.run(command, capture_output=True, text=True, env={**clean, **env}, cwd=PROJECT_ROOT, timeout=600)
    assert result.returncode == 0 and not result.stderr, result.stdout + result.stderr


@pytest.fixture(scope="module")
def publications(tmp_path_factory):
    """A held-out corpus published twice as Iceberg tables, to a folder and to S3; yields
    {kind: (warehouse, catalog properties, S3 settings or None)}."""
    root = tmp_path_factory.mktemp("iceberg")
    corpus = root / "corpus"
    generate(corpus)
    with s3_server(root) as endpoint:
        aws = aws_environment(endpoint)
        import s3fs

        s3fs.S3FileSystem(key=aws["AWS_ACCESS_KEY_ID"], secret=aws["AWS_SECRET_ACCESS_KEY"], endpoint_url=endpoint).mkdir(BUCKET)
        s3_catalog = {
            "type": "sql",
            "uri": f"sqlite:///{root / 's3-catalog.db'}",
            "s3.endpoint": endpoint,
            "s3.access-key-id": aws["AWS_ACCESS_KEY_ID"],
            "s3.secret-access-key": aws["AWS_SECRET_ACCESS_KEY"],
            "s3.region": aws["AWS_DEFAULT_REGION"],
        }
        # The catalog as a user configures it for matterhouse: in the environment, as pyiceberg reads it.
        catalog_env = {
            f"PYICEBERG_CATALOG__NEWS__{key.upper().replace('.', '__').replace('-', '_')}": value
            for key, value in s3_catalog.items()
        }
        folder = root / "published"
        kinds = {
            "folder": (
                root / "warehouse-folder",
                folder,
                {},
                (),
                {"type": "sql", "uri": f"sqlite:///{folder / 'catalog.db'}"},
                None,
            ),
            "s3": (
                root / "warehouse-s3",
                f"s3://{BUCKET}/published",
                {**aws, **catalog_env},
                ("--iceberg-catalog", "news"),
                s3_catalog,
                {
                    "endpoint": endpoint.removeprefix("http://"),
                    "key": aws["AWS_ACCESS_KEY_ID"],
                    "secret": aws["AWS_SECRET_ACCESS_KEY"],
                },
            ),
        }
        for warehouse, location, env, options, _, _ in kinds.values():
            publish(corpus, warehouse, location, env, *options)
        change(corpus)
        for warehouse, location, env, options, _, _ in kinds.values():
            publish(corpus, warehouse, location, env, *options)
        with environment(aws):  # for read_table at the S3 location, through s3fs
            yield {kind: (warehouse, location, catalog, s3) for kind, (warehouse, location, _, _, catalog, s3) in kinds.items()}


def table_specs(location, catalog_name, catalog_properties, run_id) -> dict:
    """Each table's snapshot id at run `run_id`, as its manifest records it, and the
    table's current metadata file (which DuckDB's iceberg_scan starts from)."""
    from pyiceberg.catalog import load_catalog

    catalog = load_catalog(catalog_name, **catalog_properties)
    entries = publication.manifest(location, run_id)["tables"]
    return {
        name: {
            "snapshot_id": entries[name]["iceberg"]["snapshot_id"],
            "metadata": catalog.load_table(("matterhouse", name)).metadata_location,
        }
        for name in PUBLISHED_TABLES
    }


@pytest.mark.parametrize("kind", ["folder", "s3"])
@pytest.mark.parametrize(
    ("client", "reader", "version"),
    [("polars-iceberg", PYICEBERG, "0.12."), ("polars-iceberg", POLARS, ("1.", "2.")), ("duckdb-iceberg", DUCKDB, "1.5.")],
    ids=["pyiceberg", "polars", "duckdb"],
)
def test_readers_get_the_warehouse_rows_at_two_kept_runs(publications, kind, client, reader, version, tmp_path):
    warehouse, location, catalog_properties, s3 = publications[kind]
    catalog_name = "news" if s3 else "matterhouse"  # as --iceberg-catalog named it; the default's name
    fs, root = Location.of(location).filesystem()
    manifests = [f"{root}/{publication.MANIFESTS}/{number:010d}.json" for number in publication.manifest_numbers(fs, root)]
    runs = [publication.read_json(fs, path)["run_id"] for path in manifests]
    assert len(runs) == 2
    for run_id in runs:
        out = tmp_path / run_id
        out.mkdir()
        spec = {
            "catalog_name": catalog_name,
            "catalog": catalog_properties,
            "tables": table_specs(location, catalog_name, catalog_properties, run_id),
            "out": str(out),
            "s3": s3,
        }
        assert run_client(client, reader, json.dumps(spec)).strip().startswith(version)
        for name in PUBLISHED_TABLES:
            expected = matterhouse.read_table(name, warehouse, run=run_id).to_table()
            assert rows(pq.read_table(out / f"{name}.parquet")) == rows(expected), (client, kind, run_id, name)
        assert pq.read_metadata(out / "articles.parquet").num_rows > CORPUS_FILES / 2
