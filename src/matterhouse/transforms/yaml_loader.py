"""Load front-matter YAML safely, keeping every scalar as the text that was written.

PyYAML's safe loader follows YAML 1.1, which turns `No`, `off` or `1:20` into booleans
and numbers and `2020-01-01` into dates. Our columns are typed by the schema instead,
so the loader resolves only `null`, `~` and empty values; every other scalar stays a
string and `normalize` casts it per column. A plain (unquoted) scalar that the YAML 1.2
core schema reads as a boolean or a number (`true`, `12`, `0x1F`, `1e3`) is a
`PlainScalar`: still the text as written, marked so that fields kept in `extra` can be
given their core-schema types (`core_value`). It uses libyaml's C parser (never the
unsafe loader), rejects application tags such as `!!python/object/apply`, and rejects
anchors and aliases, which news front matter never needs and which make "billion laughs"
bombs possible. Nesting deeper than MAX_DEPTH levels is refused too.

Speed: PyYAML's generic constructor costs twice what libyaml's parsing does. Front matter
is plain data (mappings, lists, strings and nulls), so `load_mapping` builds it straight
from the composed node tree, and hands anything else (an explicit tag, an alias, a list
used as a key) to PyYAML's own constructor, which stays the reference: tests check both
give the same result on every file they have.
"""

from typing import NamedTuple

import yaml

from . import yaml_fast
from .errors import RejectedFile
from .yaml_core import CORE_FIRST_CHARACTERS, CORE_SCALAR, CORE_TAG, MAX_DEPTH, PlainScalar

NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"
# What PyYAML's YAML 1.1 null resolver matches (its regular expression, written out).
NULL_WORDS = frozenset({"~", "null", "Null", "NULL", ""})


class FrontMatterLoader(yaml.CSafeLoader):
    """CSafeLoader that resolves only nulls and refuses aliases."""

    yaml_implicit_resolvers = {
        first_char: [(tag, pattern) for tag, pattern in resolvers if tag == NULL_TAG]
        for first_char, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
    }

    def resolve(self, kind, value, implicit):
        """The null-only resolution above, plus CORE_TAG for the plain scalars the core
        schema types, without the generic regular-expression walk."""
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return STR_TAG
            if value in NULL_WORDS:
                return NULL_TAG
            if value[0] in CORE_FIRST_CHARACTERS and CORE_SCALAR.match(value):
                return CORE_TAG
            return STR_TAG
        return SEQ_TAG if kind is yaml.SequenceNode else MAP_TAG

    def construct_plain_scalar(self, node):
        return PlainScalar(node.value)

    # Path resolvers are never registered, so there is no path to track.
    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node in self.recursive_objects:
            raise RejectedFile(
                "front matter uses YAML anchors/aliases ('&name'/'*name'), which are not "
                f"allowed; write the value out in full (line {node.start_mark.line + 2})"
            )
        return super().construct_object(node, deep)


FrontMatterLoader.add_constructor(CORE_TAG, FrontMatterLoader.construct_plain_scalar)


class DuplicateKey(NamedTuple):
    """A key given more than once in one mapping: YAML keeps the last value, silently."""

    key: str
    line: int  # in the file, counting the opening '---' as line 1


def load_mapping(yaml_text: str) -> dict:
    """Parse front-matter YAML into a dict, or raise RejectedFile saying why it cannot be."""
    return load_front_matter(yaml_text)[0]


def load_front_matter(yaml_text: str) -> tuple[dict, list[DuplicateKey]]:
    """load_mapping's dict, with the keys given twice in one of its mappings: from the
    yaml-rs fast path when it is sure to give what libyaml gives, else from libyaml."""
    fast = yaml_fast.load(yaml_text)
    if fast is not None:
        return fast, []
    return load_with_libyaml(yaml_text)


def load_with_libyaml(yaml_text: str) -> tuple[dict, list[DuplicateKey]]:
    """The reference path: libyaml's parser, and PyYAML's constructor where the document
    is not plain data. It says why a file cannot be read."""
    duplicates: list[DuplicateKey] = []
    try:
        data = _load(yaml_text, duplicates)
    except yaml.constructor.ConstructorError as error:
        raise RejectedFile(_constructor_reason(error)) from None
    except yaml.MarkedYAMLError as error:
        raise RejectedFile(f"invalid YAML{_where(error.problem_mark)}: {error.problem}") from None
    except yaml.reader.ReaderError as error:
        line = yaml_text.count("\n", 0, error.position) + 2
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise RejectedFile(
            f"front matter contains the control character #x{code:02x} on line {line}, which YAML does not allow; remove it"
        ) from None
    except yaml.YAMLError as error:
        raise RejectedFile(f"invalid YAML: {_one_line(error)}") from None
    except (ValueError, TypeError, OverflowError, RecursionError, IndexError) as error:
        # IndexError: PyYAML's !!int and !!float constructors on an empty value
        raise RejectedFile(f"front matter could not be read: {_one_line(error)}") from None
    if data is None:
        raise RejectedFile("front matter is empty: there is nothing between the '---' lines")
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        raise RejectedFile(f"front matter is {kind}, not a mapping of fields such as 'webUrl: ...'")
    return data, duplicates


TOO_DEEP = f"front matter nests lists and mappings more than {MAX_DEPTH} levels deep"


def _load(yaml_text: str, duplicates: list[DuplicateKey]):
    """The document's data: built directly when it is plain data, else by PyYAML. Keys
    given twice go to `duplicates`."""
    loader = FrontMatterLoader(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            return _PlainBuilder(may_alias="*" in yaml_text, duplicates=duplicates).build(node, 1)
        except _NotPlain:
            duplicates.clear()
            data = loader.construct_document(node)
            duplicates.extend(_duplicates_in_tree(node))
        if nesting_depth(data) > MAX_DEPTH:
            raise RejectedFile(TOO_DEEP)
        return data
    finally:
        loader.dispose()


class _NotPlain(Exception):
    """The document needs PyYAML's generic constructor."""


class _PlainBuilder:
    """Builds dicts, lists, strings and None from a node tree, exactly as PyYAML's safe
    constructor would with the null-only resolver; raises _NotPlain for anything else."""

    def __init__(self, may_alias: bool, duplicates: list[DuplicateKey]):
        # An alias is the same node object met twice; without a '*' there is none.
        self.seen = set() if may_alias else None
        self.duplicates = duplicates

    def build(self, node, depth: int):
        if self.seen is not None:
            if id(node) in self.seen:
                raise _NotPlain
            self.seen.add(id(node))
        kind, tag = type(node), node.tag
        if kind is yaml.ScalarNode and tag == STR_TAG:
            return node.value
        if kind is yaml.ScalarNode and tag == NULL_TAG:
            return None
        if kind is yaml.ScalarNode and tag == CORE_TAG:
            return PlainScalar(node.value)
        if depth > MAX_DEPTH and kind is not yaml.ScalarNode:
            raise RejectedFile(TOO_DEEP)
        if kind is yaml.MappingNode and tag == MAP_TAG:
            mapping = {}
            # Most keys and values are strings: taken here, without a call per node, unless
            # aliases must be tracked node by node.
            inline = self.seen is None
            for key_node, value_node in node.value:
                if type(key_node) is not yaml.ScalarNode:
                    raise _NotPlain  # a list or mapping as a key: PyYAML says why it cannot be
                key = key_node.value if inline and key_node.tag == STR_TAG else self.build(key_node, depth)
                if inline and type(value_node) is yaml.ScalarNode and value_node.tag == STR_TAG:
                    mapping[key] = value_node.value
                else:
                    mapping[key] = self.build(value_node, depth + 1)
            if len(mapping) < len(node.value):  # rare: look for the keys only then
                self.duplicates.extend(_duplicates_here(node))
            return mapping
        if kind is yaml.SequenceNode and tag == SEQ_TAG:
            return [self.build(item, depth + 1) for item in node.value]
        raise _NotPlain


def _duplicates_here(node) -> list[DuplicateKey]:
    seen, found = set(), []
    for key_node, _ in node.value:
        if type(key_node) is yaml.ScalarNode:
            if key_node.value in seen:
                found.append(DuplicateKey(key_node.value, key_node.start_mark.line + 2))
            seen.add(key_node.value)
    return found


def _duplicates_in_tree(root) -> list[DuplicateKey]:
    found, pending, visited = [], [root], set()
    while pending:
        node = pending.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if type(node) is yaml.MappingNode:
            found += _duplicates_here(node)
            pending.extend(child for pair in node.value for child in pair)
        elif type(node) is yaml.SequenceNode:
            pending.extend(node.value)
    return sorted(found, key=lambda duplicate: duplicate.line)


def nesting_depth(data) -> int:
    """Deepest nesting of lists and mappings, walked without recursion."""
    deepest, pending = 0, [(data, 1)]
    while pending:
        value, depth = pending.pop()
        deepest = max(deepest, depth)
        children = value.values() if isinstance(value, dict) else value
        pending.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def _where(mark) -> str:
    # +2: YAML lines count from 0, and the file's first line is the opening '---'.
    return f" at line {mark.line + 2}, column {mark.column + 1}" if mark else ""


def _constructor_reason(error: yaml.constructor.ConstructorError) -> str:
    problem = error.problem or ""
    if "could not determine a constructor for the tag" in problem:
        tag = problem.rsplit(" ", 1)[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
        return (
            f"front matter uses the YAML tag {tag}{_where(error.problem_mark)}, which is not "
            "allowed: only plain data (text, lists, mappings) is read"
        )
    return f"invalid YAML{_where(error.problem_mark)}: {problem}"
