import sys

import pytest

from matterhouse.transforms.errors import RejectedFile
from matterhouse.transforms.frontmatter import NO_FRONT_MATTER, ORG_MODE, decode, read, split
from matterhouse.transforms.yaml_core import MAX_DEPTH
from matterhouse.transforms.yaml_loader import TOO_DEEP, DuplicateKey


@pytest.mark.parametrize(
    "text, expected_yaml, expected_body",
    [
        ("---\na: 1\n---\n", "a: 1\n", None),
        ("---\na: 1\n---", "a: 1\n", None),
        ("---\na: 1\n---\nbody\n", "a: 1\n", "body"),
        ("---\na: 1\n---\n\n\nbody\n\n", "a: 1\n", "body"),
        ("---\na: 1\n---\nfirst\n---\nsecond\n", "a: 1\n", "first\n---\nsecond"),
        ("---  \na: 1\n---\t\nbody", "a: 1\n", "body"),
        ("---\na: '---x'\nb: ---\n---\n", "a: '---x'\nb: ---\n", None),
        ("---\n---\n", "", None),
        ("---\na: 1\n----\n---\n", "a: 1\n----\n", None),
        ("---\na: 1\n---\n   \n", "a: 1\n", None),
        ("+++\na = 1\n+++\nbody\n", "a = 1\n", "body"),
        ("+++\na = '---'\n---\n+++\nfirst\n+++\nsecond", "a = '---'\n---\n", "first\n+++\nsecond"),
    ],
)
def test_split_finds_the_closing_line(text, expected_yaml, expected_body):
    assert split(text) == (expected_yaml, expected_body)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("a: 1\n---\n", NO_FRONT_MATTER),
        ("\n---\na: 1\n---\n", NO_FRONT_MATTER),
        ("--- a: 1\n---\n", NO_FRONT_MATTER),
        ("+++ a = 1\n+++\n", NO_FRONT_MATTER),
        ("---\na: 1\n", "front matter is not closed: no second '---' line"),
        ("---\na: 1\n+++\n", "front matter is not closed: no second '---' line"),
        ("+++\na = 1\n---\n", "front matter is not closed: no second '+++' line"),
        ("---", "front matter is not closed: no second '---' line"),
        (" \n\n\t\n", "file is blank: it holds only white space"),
        ("---\na: 1\n --- \n", "front matter is not closed: no second '---' line"),
    ],
)
def test_split_rejects_files_without_front_matter(text, reason):
    with pytest.raises(RejectedFile) as raised:
        split(text)
    assert raised.value.reason == reason


def test_decode_drops_the_byte_order_mark_and_crlf():
    assert decode("\ufeff---\r\na: Zürich\r\n---\r\n".encode("utf-8")) == "---\na: Zürich\n---\n"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file: it contains NUL bytes, so it is not front-matter text"),
        (
            "---\na: café\n---\n".encode("latin-1"),
            "file is not valid UTF-8: byte 0xe9 on line 2 (offset 10); re-save it as UTF-8",
        ),
    ],
)
def test_decode_rejects_bytes_that_are_not_utf8_text(data, reason):
    with pytest.raises(RejectedFile) as raised:
        decode(data)
    assert raised.value.reason == reason


YAML_ARTICLE = """---
webUrl: https://a.org/x
title: Hello
quality: 5
published: true
ratio: 1.50
tags: [a, 2, false]
provider:
  domain: a.org
---
Body
"""
TOML_ARTICLE = """+++
webUrl = "https://a.org/x"
title = "Hello"
quality = 5
published = true
ratio = 1.50
tags = ["a", 2, false]
[provider]
domain = "a.org"
+++
Body
"""
JSON_ARTICLE = """{"webUrl": "https://a.org/x", "title": "Hello", "quality": 5, "published": true, "ratio": 1.50,
 "tags": ["a", 2, false], "provider": {"domain": "a.org"}}
Body
"""


def typed(value):
    """A value with the type of every scalar in it, since PlainScalar("5") == "5"."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


def test_toml_and_json_read_into_the_values_the_yaml_loader_gives():
    fields, duplicates, body = read(YAML_ARTICLE)
    assert (duplicates, body) == ([], "Body")
    assert typed(fields)["quality"] == ("PlainScalar", "5")
    assert typed(fields)["tags"] == [("str", "a"), ("PlainScalar", "2"), ("PlainScalar", "false")]
    for text in (TOML_ARTICLE, JSON_ARTICLE):
        other_fields, other_duplicates, other_body = read(text)
        assert (typed(other_fields), other_duplicates, other_body) == (typed(fields), duplicates, body)


@pytest.mark.parametrize(
    "toml_value, expected",
    [
        ("2020-01-02T03:04:05Z", ("str", "2020-01-02T03:04:05+00:00")),  # dates and times: ISO 8601 text
        ("1979-05-27T00:32:00.5-07:00", ("str", "1979-05-27T00:32:00.500000-07:00")),
        ("1979-05-27 07:32:00", ("str", "1979-05-27T07:32:00")),
        ("1979-05-27", ("str", "1979-05-27")),
        ("07:32:00", ("str", "07:32:00")),
        ('"2020-01-02"', ("str", "2020-01-02")),
        ("'1:20'", ("str", "1:20")),
        ("0x1F", ("PlainScalar", "31")),  # integers in decimal
        ("0o17", ("PlainScalar", "15")),
        ("1_000", ("PlainScalar", "1000")),
        ("+5", ("PlainScalar", "5")),
        ("-0", ("PlainScalar", "0")),
        ("99999999999999999999999", ("PlainScalar", "99999999999999999999999")),
        ("1.50", ("PlainScalar", "1.50")),  # floats as written
        ("1e3", ("PlainScalar", "1e3")),
        ("inf", ("PlainScalar", "inf")),
        ("true", ("PlainScalar", "true")),
        ("false", ("PlainScalar", "false")),
    ],
)
def test_toml_values_become_what_yaml_gives(toml_value, expected):
    assert typed(read(f"+++\na = {toml_value}\n+++\n")[0]["a"]) == expected


@pytest.mark.parametrize(
    "json_value, expected",
    [
        ("1.50", ("PlainScalar", "1.50")),  # numbers as written
        ("-0", ("PlainScalar", "-0")),
        ("1E400", ("PlainScalar", "1E400")),
        ("9" * 5000, ("PlainScalar", "9" * 5000)),  # never through int(), which stops at 4,300 digits
        ("true", ("PlainScalar", "true")),
        ('"12"', ("str", "12")),
        ('"\\ud83d\\ude00"', ("str", "\U0001f600")),
        ("null", ("NoneType", None)),
    ],
)
def test_json_values_become_what_yaml_gives(json_value, expected):
    assert typed(read(f'{{"a": {json_value}}}')[0]["a"]) == expected


@pytest.mark.parametrize(
    "text, body",
    [
        ('{"a": 1}\n', None),
        ('{"a": 1}', None),
        ('{"a": 1}\nbody', "body"),
        ('{"a": 1}   \n\n\nbody\n\n', "body"),
        ('{\n  "a": 1\n}\n# Heading\n{}\n', "# Heading\n{}"),
        ('{"a": 1} on the closing line\nnext', " on the closing line\nnext"),  # as Hugo reads it
        ("+++\na = 1\n+++\nfirst\n+++\nsecond\n", "first\n+++\nsecond"),
        ("+++  \na = 1\n+++\t\n\nbody", "body"),
        ("+++\na = 1\n+++", None),
        ("+++\na = 1\n+++\n   \n", None),
    ],
)
def test_the_body_follows_toml_and_json_front_matter(text, body):
    assert read(text)[2] == body


def test_toml_and_json_files_may_have_a_byte_order_mark_and_crlf():
    expected = ({"webUrl": "https://a.org/"}, [], "one\ntwo")
    assert read(decode("\ufeff+++\r\nwebUrl = 'https://a.org/'\r\n+++\r\none\r\ntwo\r\n".encode())) == expected
    assert read(decode('\ufeff{\r\n"webUrl": "https://a.org/"\r\n}\r\none\r\ntwo\r\n'.encode())) == expected


def test_json_keys_given_twice_are_reported_with_their_lines():
    text = (
        '{\n "a": 1,\n "b": {"c": 1, "c": 2},\n "list": [{"d": 1}, {"d": 2, "d": 3}],\n'
        ' "s": "{\\"a\\": [\\"e\\", \\"e\\"]}", "\\u0061": 4\n}\n'
    )
    fields, duplicates, _ = read(text)
    assert fields == {"a": "4", "b": {"c": "2"}, "list": [{"d": "1"}, {"d": "3"}], "s": '{"a": ["e", "e"]}'}
    assert duplicates == [DuplicateKey("c", 3), DuplicateKey("d", 4), DuplicateKey("a", 5)]


def nested(kind: str, depth: int) -> str:
    """Front matter whose deepest list or mapping is `depth` levels down, the top mapping being 1."""
    if kind == "json":
        return '{"a": ' * depth + "1" + "}" * depth
    return "+++\na = " + "[" * (depth - 1) + "]" * (depth - 1) + "\n+++\n"


@pytest.mark.parametrize("kind", ["json", "toml"])
def test_nesting_is_limited_as_in_yaml(kind):
    assert read(nested(kind, MAX_DEPTH))[0]
    for depth in (MAX_DEPTH + 1, 5000):
        with pytest.raises(RejectedFile) as raised:
            read(nested(kind, depth))
        assert raised.value.reason == TOO_DEEP


NOT_AN_OBJECT = "not an object of fields such as '{\"webUrl\": ...}'"


@pytest.mark.parametrize(
    "text, reason",
    [
        (
            "+++\nwebUrl = 'x'\nb c = 2\n+++\n",
            "invalid TOML at line 3, column 3: Expected '=' after a key in a key/value pair",
        ),
        ("+++\na = [1,\n+++\n", "invalid TOML at the end of the front matter (line 3): Invalid value"),
        (
            "+++\na = 1\na = 2\n+++\n",
            "invalid TOML at line 3, column 6: Cannot overwrite a value: a key is given a second time, which TOML does not allow",
        ),
        ("+++\n[t]\n[t]\n+++\n", "invalid TOML at line 3, column 3: Cannot declare ('t',) twice"),
        ('+++\na = "\\ud800"\n+++\n', "invalid TOML at line 2, column 12: Escaped character is not a Unicode scalar value"),
        ("+++\na = 1\n", "front matter is not closed: no second '+++' line"),
        ("+++\n+++\nbody", "front matter is empty: there is nothing between the '+++' lines"),
        ("+++\n# only a comment\n+++\n", "front matter is empty: there is nothing between the '+++' lines"),
        ("+++\na = " + "9" * 5000 + "\n+++\n", f"invalid TOML: an integer has more than {sys.get_int_max_str_digits()} digits"),
        ("+++\n" + "a." * 40 + "b = 1\n+++\n", TOO_DEEP),
        ('{"a": 1,}', "invalid JSON at line 1, column 9: Expecting property name enclosed in double quotes"),
        ('{\n  "a": tru\n}', "invalid JSON at line 2, column 8: Expecting value"),
        ('{"a": "x\ny"}', "invalid JSON at line 1, column 9: Invalid control character"),
        ('{"a": "\\x"}', "invalid JSON at line 1, column 8: Invalid \\escape"),
        ('{"a": "open', "invalid JSON at line 1, column 7: Unterminated string"),
        ('{"a": [1, 2', "front matter is not closed: the file ends inside the JSON object"),
        ("{\n", "front matter is not closed: the file ends inside the JSON object"),
        ('{"a": NaN}', "invalid JSON: NaN is not a JSON value; write it as text in quotes"),
        ('{"a": -Infinity}', "invalid JSON: -Infinity is not a JSON value; write it as text in quotes"),
        (
            '{\n"a": ["\\ud83d\\ude00", "\\ud800"]}',
            "invalid JSON at line 2: a string escapes half of a surrogate pair (such as \\ud800), "
            "which is not a character; remove it",
        ),
        (
            '{"a": "\\\\ud800", "b": "\\udc00"}',
            "invalid JSON at line 1: a string escapes half of a surrogate pair (such as \\ud800), "
            "which is not a character; remove it",
        ),
        ('[{"webUrl": "https://a.org"}]\nbody', f"front matter is a JSON array, {NOT_AN_OBJECT}"),
        ('[\n  {"webUrl": "https://a.org"}\n]', f"front matter is a JSON array, {NOT_AN_OBJECT}"),
        ('"https://a.org"\n', f"front matter is a single JSON value, {NOT_AN_OBJECT}"),
        ("#+TITLE: An article\n#+DATE: 2020-01-02\n\nbody", ORG_MODE),
        ("[a link](https://a.org) opens the text\n", NO_FRONT_MATTER),
        ('"Quoted," she said.\n', NO_FRONT_MATTER),
        ("[" * 5000 + "\n", NO_FRONT_MATTER),
        ("# A Markdown heading\n", NO_FRONT_MATTER),
        (' {"a": 1}\n', NO_FRONT_MATTER),
        ("webUrl = 'https://a.org'\n", NO_FRONT_MATTER),
    ],
)
def test_read_rejects_bad_toml_and_json_with_a_reason(text, reason):
    with pytest.raises(RejectedFile) as raised:
        read(text)
    assert raised.value.reason == reason
