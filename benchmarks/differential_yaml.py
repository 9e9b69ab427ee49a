"""Prove both fast YAML paths give what PyYAML's own constructor gives, file by file.

    python benchmarks/differential_yaml.py DIR [DIR ...]
    python benchmarks/differential_yaml.py --generated 100000 [--seed 11] [--broken 0.05]

Two paths are checked against the reference:
- `yaml_loader.load_with_libyaml` builds plain data straight from libyaml's node tree with
  a resolver written for our rules (nulls, and the core-schema PlainScalar marks);
- `yaml_fast.load`, the yaml-rs path, wherever it gives a result (where it gives None,
  the libyaml path reads the file, and that is what gets loaded).
The reference is the loader as PyYAML runs it: its generic resolver (with the same
implicit resolvers), its generic constructor, and the same refusal of aliases. For every
YAML front-matter file under the folders (TOML and JSON ones are left out), a path must
reject it as the reference does, or give the same data: equal, and of the same types (so
'1', a PlainScalar '1' and 1 differ).
Prints the counts and exits 1 on any difference, naming the first few files.

With --generated, the documents come from generate_corpus.py's generator, in memory, and
the yaml-rs path is compared with the libyaml path only (PyYAML's generic constructor is
three times slower than both, and the folders above hold it to both), on every core.
"""

import argparse
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml

from matterhouse.transforms import frontmatter, yaml_fast
from matterhouse.transforms.errors import RejectedFile
from matterhouse.transforms.yaml_core import CORE_FIRST_CHARACTERS, CORE_SCALAR, CORE_TAG, MAX_DEPTH, PlainScalar
from matterhouse.transforms.yaml_loader import TOO_DEEP, FrontMatterLoader, load_with_libyaml, nesting_depth

EXTENSIONS = (".md", ".markdown", ".txt")
SHOWN_DIFFERENCES = 5


class ReferenceLoader(FrontMatterLoader):
    """Our loader's rules (null-only resolvers, no aliases) run by PyYAML's own code."""

    resolve = yaml.resolver.BaseResolver.resolve
    descend_resolver = yaml.resolver.BaseResolver.descend_resolver
    ascend_resolver = yaml.resolver.BaseResolver.ascend_resolver


ReferenceLoader.add_implicit_resolver(CORE_TAG, CORE_SCALAR, list(CORE_FIRST_CHARACTERS))


def typed(data):
    """The data with every value's type made visible (a PlainScalar reprs as a str)."""
    if isinstance(data, dict):
        return {typed(key): typed(value) for key, value in data.items()}
    if isinstance(data, list):
        return [typed(item) for item in data]
    return ("plain", str(data)) if type(data) is PlainScalar else data


def outcome(load, yaml_text: str) -> tuple[str, str]:
    try:
        data = load(yaml_text)
    except Exception:  # PyYAML's constructors raise more than YAMLError (IndexError on "!!int")
        return ("rejected", "")
    if not isinstance(data, dict):
        return ("rejected", "")
    return ("loaded", repr(typed(data)))


def libyaml_path(yaml_text: str):
    return load_with_libyaml(yaml_text)[0]


def reference(yaml_text: str):
    data = yaml.load(yaml_text, Loader=ReferenceLoader)
    if isinstance(data, dict) and nesting_depth(data) > MAX_DEPTH:
        raise RejectedFile(TOO_DEEP)
    return data


def compare_text(yaml_text: str) -> tuple[str, bool, bool]:
    """The reference's outcome, whether the yaml-rs path took the document, and whether
    any path disagreed with the reference."""
    expected = outcome(reference, yaml_text)
    fast = yaml_fast.load(yaml_text)
    fast_outcome = None if fast is None else ("loaded", repr(typed(fast)))
    different = outcome(libyaml_path, yaml_text) != expected or fast_outcome not in (None, expected)
    return expected[0], fast is not None, different


def yaml_front_matter(data: bytes) -> str | None:
    """The YAML between a file's '---' lines, or None for any other file."""
    try:
        text = frontmatter.decode(data)
        return frontmatter.split(text)[0] if text.startswith("---") else None
    except RejectedFile:
        return None


def compare(folders: list[Path]) -> dict:
    counts = {"files": 0, "loaded": 0, "rejected": 0, "not front matter": 0, "different": 0, "read by yaml-rs": 0}
    differences = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() not in EXTENSIONS or not path.is_file():
                continue
            counts["files"] += 1
            yaml_text = yaml_front_matter(path.read_bytes())
            if yaml_text is None:
                counts["not front matter"] += 1
                continue
            expected, read_fast, different = compare_text(yaml_text)
            counts["read by yaml-rs"] += read_fast
            if different:
                counts["different"] += 1
                differences.append(str(path))
            else:
                counts[expected] += 1
    counts["first differences"] = differences[:SHOWN_DIFFERENCES]
    return counts


def compare_fast_with_libyaml(yaml_text: str) -> tuple[str, bool, bool]:
    """As compare_text, with the libyaml path as the reference."""
    expected = outcome(libyaml_path, yaml_text)
    fast = yaml_fast.load(yaml_text)
    different = fast is not None and ("loaded", repr(typed(fast))) != expected
    return expected[0], fast is not None, different


def compare_generated_part(files: int, seed: int, broken: float, part: int, parts: int) -> tuple[dict, list[str]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate_corpus import CorpusWriter

    counts = {"files": 0, "loaded": 0, "rejected": 0, "not front matter": 0, "different": 0, "read by yaml-rs": 0}
    differences = []
    for number, (path, data) in enumerate(CorpusWriter(seed, files, broken).documents()):
        if number % parts != part:
            continue
        counts["files"] += 1
        yaml_text = yaml_front_matter(data)
        if yaml_text is None:
            counts["not front matter"] += 1
            continue
        expected, read_fast, different = compare_fast_with_libyaml(yaml_text)
        counts["read by yaml-rs"] += read_fast
        counts["different" if different else expected] += 1
        if different:
            differences.append(path)
    return counts, differences


def compare_generated(files: int, seed: int, broken: float) -> dict:
    parts = os.cpu_count() or 1
    with ProcessPoolExecutor(parts) as pool:
        jobs = [(files, seed, broken, part, parts) for part in range(parts)]
        results = list(pool.map(compare_generated_part, *map(list, zip(*jobs, strict=True))))
    counts = {name: sum(result[0][name] for result in results) for name in results[0][0]}
    counts["first differences"] = [path for result in results for path in result[1]][:SHOWN_DIFFERENCES]
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", type=Path, nargs="*")
    parser.add_argument("--generated", type=int, help="compare this many generated documents instead of folders")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--broken", type=float, default=0.05)
    args = parser.parse_args()
    if bool(args.folders) == bool(args.generated):
        parser.error("give folders or --generated N")
    counts = compare_generated(args.generated, args.seed, args.broken) if args.generated else compare(args.folders)
    print(", ".join(f"{name}: {value}" for name, value in counts.items()))
    return 1 if counts["different"] else 0


if __name__ == "__main__":
    sys.exit(main())
