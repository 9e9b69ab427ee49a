"""Prove the fast YAML path gives what PyYAML's own constructor gives, file by file.

    python benchmarks/differential_yaml.py DIR [DIR ...]

`matterhouse.transforms.yaml_loader.load_mapping` builds plain data straight from libyaml's node
tree with a resolver written for our null-only rule. The reference here is the loader
as PyYAML runs it: its generic resolver (with the same null-only implicit resolvers),
its generic constructor, and the same refusal of aliases. For every front-matter file
under the folders, both must reject it, or both must give the same data: equal, and of
the same types (compared by repr, so '1' and 1 differ). Prints the counts and exits 1 on
any difference, naming the first few files.
"""

import argparse
import sys
from pathlib import Path

import yaml
from matterhouse.transforms import frontmatter
from matterhouse.transforms.errors import RejectedFile
from matterhouse.transforms.yaml_loader import MAX_DEPTH, TOO_DEEP, FrontMatterLoader, load_mapping, nesting_depth

EXTENSIONS = (".md", ".markdown", ".txt")
SHOWN_DIFFERENCES = 5


class ReferenceLoader(FrontMatterLoader):
    """Our loader's rules (null-only resolvers, no aliases) run by PyYAML's own code."""

    resolve = yaml.resolver.BaseResolver.resolve
    descend_resolver = yaml.resolver.BaseResolver.descend_resolver
    ascend_resolver = yaml.resolver.BaseResolver.ascend_resolver


def outcome(load, yaml_text: str) -> tuple[str, str]:
    try:
        data = load(yaml_text)
    except (RejectedFile, yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
        return ("rejected", "")
    if not isinstance(data, dict):
        return ("rejected", "")
    return ("loaded", repr(data))


def reference(yaml_text: str):
    data = yaml.load(yaml_text, Loader=ReferenceLoader)
    if isinstance(data, dict) and nesting_depth(data) > MAX_DEPTH:
        raise RejectedFile(TOO_DEEP)
    return data


def compare(folders: list[Path]) -> dict:
    counts = {"files": 0, "loaded": 0, "rejected": 0, "not front matter": 0, "different": 0}
    differences = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() not in EXTENSIONS or not path.is_file():
                continue
            counts["files"] += 1
            try:
                yaml_text, _ = frontmatter.split(frontmatter.decode(path.read_bytes()))
            except RejectedFile:
                counts["not front matter"] += 1
                continue
            fast, slow = outcome(load_mapping, yaml_text), outcome(reference, yaml_text)
            if fast != slow:
                counts["different"] += 1
                differences.append(str(path))
            else:
                counts[fast[0]] += 1
    counts["first differences"] = differences[:SHOWN_DIFFERENCES]
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", type=Path, nargs="+")
    counts = compare(parser.parse_args().folders)
    print(", ".join(f"{name}: {value}" for name, value in counts.items()))
    return 1 if counts["different"] else 0


if __name__ == "__main__":
    sys.exit(main())
