"""What users install: a wheel built from this repository, installed with its dependencies
into a fresh virtual environment, run from a folder outside the repository."""

import json
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from .conftest import CASES, PROJECT_ROOT
from .test_golden_cases import warehouse_rows

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin folder of a fresh venv holding the wheel and what it depends on."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(folder / "dist"), str(PROJECT_ROOT)],
        check=True,
        timeout=600,
    )
    (wheel,) = (folder / "dist").glob("matterhouse-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True, timeout=120)
    bin_dir = folder / "venv" / "bin"
    subprocess.run([bin_dir / "python", "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=900)
    return bin_dir


def run(bin_dir: Path, *command: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [bin_dir / command[0], *command[1:]],
        cwd=cwd,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(cwd)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_wheel_holds_one_package_and_loads_the_seed_and_the_examples(installed, tmp_path):
    site_packages = Path(
        run(installed, "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).stdout.strip()
    )
    ours = {
        path.name
        for path in site_packages.iterdir()
        if path.name.startswith("matterhouse") or path.name in ("flows", "transforms", "sql", "sample")
    }
    assert ours == {"matterhouse", f"matterhouse-{version(installed, tmp_path)}.dist-info"}
    assert "No module named 'flows'" in run(installed, "python", "-c", "import flows", cwd=tmp_path).stderr

    for case in ("seed", "examples"):
        warehouse = tmp_path / case
        result = run(
            installed,
            "matterhouse",
            "run",
            "--source",
            str(CASES / case / "input"),
            "--warehouse",
            str(warehouse),
            "--json",
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["status"] == "succeeded"
        assert warehouse_rows(warehouse) == json.loads((CASES / case / "expected.json").read_text(encoding="utf-8")), case


def test_the_installed_command_loads_the_bundled_sample_from_any_folder(installed, tmp_path):
    result = run(installed, "matterhouse", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines()[2] == "  this run   245 files found: 245 new, 0 changed, 0 unchanged, 0 deleted"
    assert (tmp_path / "warehouse" / "matterhouse.duckdb").is_file()


def test_the_readmes_python_example_runs_in_the_clones_root(installed, tmp_path):
    """Where the README leaves a reader: `python` in the root of a clone, after installing
    it. The root holds no importable matterhouse folder to shadow the installed package."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(PROJECT_ROOT), str(clone)], check=True, timeout=120)
    readme = (clone / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"^## Using it from Python\n.*?```python\n(.*?)```", readme, flags=re.MULTILINE | re.DOTALL)
    result = run(installed, "python", "-c", example, cwd=clone)
    assert result.returncode == 0, result.stderr
    assert "matterhouse: run succeeded" in result.stdout and (clone / "warehouse" / "matterhouse.duckdb").is_file()
    location = run(installed, "python", "-c", "import matterhouse.transforms; print(matterhouse.transforms.__file__)", cwd=clone)
    assert location.stdout.startswith(str(installed.parent)), location


def version(bin_dir: Path, cwd: Path) -> str:
    result = run(bin_dir, "matterhouse", "--version", cwd=cwd)
    assert result.returncode == 0, result.stderr
    name, number = result.stdout.split()
    assert name == "matterhouse"
    return number


def test_this_repository_is_not_on_the_wheels_path(installed, tmp_path):
    result = run(installed, "python", "-c", "import matterhouse.sql; print(matterhouse.sql.__file__)", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    location = result.stdout.strip()
    assert location.startswith(str(installed.parent)) and location.endswith("matterhouse/sql/__init__.py")
    assert not location.startswith(str(PROJECT_ROOT)) and sysconfig.get_paths()["purelib"] not in location
