"""Load front-matter YAML safely, keeping every scalar as the text that was written.

PyYAML's safe loader follows YAML 1.1, which turns `No`, `off` or `1:20` into booleans
and numbers and `2020-01-01` into dates. Our columns are typed by the schema instead,
so the loader resolves only `null`, `~` and empty values; every other plain scalar stays
a string and `normalize` casts it per column. It uses libyaml's C parser (never the
unsafe loader), rejects application tags such as `!!python/object/apply`, and rejects
anchors and aliases, which news front matter never needs and which make "billion laughs"
bombs possible. Nesting deeper than MAX_DEPTH levels is refused too.
"""

import yaml

from .errors import RejectedFile

NULL_TAG = "tag:yaml.org,2002:null"
# Real front matter nests 4 levels (related -> entry -> images -> image); the limit leaves
# room for odd but honest files and keeps every later walk of the data shallow.
MAX_DEPTH = 32


class FrontMatterLoader(yaml.CSafeLoader):
    """CSafeLoader that resolves only nulls and refuses aliases."""

    yaml_implicit_resolvers = {
        first_char: [(tag, pattern) for tag, pattern in resolvers if tag == NULL_TAG]
        for first_char, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node in self.recursive_objects:
            raise RejectedFile(
                "front matter uses YAML anchors/aliases ('&name'/'*name'), which are not "
                f"allowed; write the value out in full (line {node.start_mark.line + 2})"
            )
        return super().construct_object(node, deep)


def load_mapping(yaml_text: str) -> dict:
    """Parse front-matter YAML into a dict, or raise RejectedFile saying why it cannot be."""
    try:
        data = yaml.load(yaml_text, Loader=FrontMatterLoader)
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
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        raise RejectedFile(f"front matter could not be read: {_one_line(error)}") from None
    if data is None:
        raise RejectedFile("front matter is empty: there is nothing between the '---' lines")
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        raise RejectedFile(f"front matter is {kind}, not a mapping of fields such as 'webUrl: ...'")
    if _depth(data) > MAX_DEPTH:
        raise RejectedFile(f"front matter nests lists and mappings more than {MAX_DEPTH} levels deep")
    return data


def _depth(data) -> int:
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
