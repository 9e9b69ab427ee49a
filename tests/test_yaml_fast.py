"""The yaml-rs fast path against the reference (libyaml, and PyYAML's own constructor):
it reads ordinary front matter, hands every trap to the reference, and Hypothesis looks
for a document on which it gives anything the reference would not."""

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matterhouse.transforms import frontmatter, yaml_fast
from matterhouse.transforms.errors import RejectedFile
from matterhouse.transforms.yaml_core import PlainScalar
from matterhouse.transforms.yaml_loader import load_front_matter, load_with_libyaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from differential_yaml import compare_text, typed  # noqa: E402

sys.path.remove(str(ROOT / "benchmarks"))


def front_matter(path: Path) -> str:
    return frontmatter.split(frontmatter.decode(path.read_bytes()))[0]


def test_ordinary_front_matter_takes_the_fast_path():
    """The fast path is used, not just allowed: every sample article with front matter."""
    texts = [front_matter(path) for path in sorted((ROOT / "sample").rglob("*.*")) if path.suffix in (".md", ".txt", ".markdown")]
    texts = [text for text in texts if "webUrl" in text]
    assert len(texts) > 200
    read_fast = [text for text in texts if yaml_fast.load(text) is not None]
    assert len(read_fast) >= 0.95 * len(texts)
    for text in read_fast:
        assert typed(yaml_fast.load(text)) == typed(load_with_libyaml(text)[0])


def test_numbers_and_booleans_are_plain_scalars_written_as_they_were():
    data = yaml_fast.load('quality: 33\nheat: -1\npublished: false\nquoted: "12"\ntopics: [AI, 7]\n')
    assert typed(data) == {
        "quality": ("plain", "33"),
        "heat": ("plain", "-1"),
        "published": ("plain", "false"),
        "quoted": "12",
        "topics": ["AI", ("plain", "7")],
    }
    assert type(data["quoted"]) is str and type(data["quality"]) is PlainScalar


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['echo hacked']",
        "a: !foo bar",
        "a: &x 1\nb: *x",
        "a: 0x1F",
        "a: 0X1F",
        "a: 0o17",
        "a: 0b101",
        "a: 012",
        "a: -0",
        "a: +12",
        "a: 1_000",
        "a: 1.5",
        "a: |",
        "a: >-\n",
        "a: 1e3",
        "a: .inf",
        "a: True",
        "a: FALSE",
        'a: {"k":012}',
        "a: b\tc",
        "a: b\x85c",
        "a: b\u2028c",
        "a: b\x01c",
        "a: 1\na: 2",
        '12: a\n"12": b',
        "~: a",
        "? [a, b]\n: c",
        "x" * 300 + ": b",
        "a: " + "[" * 40 + "]" * 40,
        "a: 1\n---\nb: 2",
        "%YAML 1.1\n---\na: 1",
        "<<: {a: 1}",
        "- a\n- b",
        "just text",
        "",
        'a: "\\ud83d\\ude00"',
        '"\\ud800\\udc00": a',
        'title: "Foo [Bar]"\nx: &\xa0a value\ny: *\xa0a',
        "a: [&\u3000 x, *\u3000]",
        "a: &\xa0a x\nb: *\xa0a\n# [",
        "a: [a:]",
        "a: {a:?}",
        "a: [:a]",
        "a: [>\n]",
        'a: {"b":>\n}',
        "a: {b\n c: d}",
        "...\na: b",
        "... #c\na: b",
        "a: \ud800",
    ],
)
def test_traps_go_to_the_reference_path(text):
    text += "\n"  # as the splitter hands front matter over
    assert yaml_fast.load(text) is None
    assert compare_text(text)[2] is False


def test_an_integer_too_long_for_str_goes_to_the_reference_path():
    text = "a: " + "9" * 4301 + "\n"
    assert yaml_fast.load(text) is None
    assert load_front_matter(text)[0] == {"a": "9" * 4301}


def test_the_dispatch_gives_the_reference_rejection_reason():
    with pytest.raises(RejectedFile, match=r"uses the YAML tag !foo at line 2, column 4"):
        load_front_matter("a: !foo bar")


# Scalars as they might be written: plain tokens each loader may read its own way, and
# quoted or block ones.
WHITESPACE_FREE_TRAPS = """
12 -5 +12 012 0 -0 00 0o17 0O17 0o8 0x1F 0X1F -0x1F 0b101 0_1 1_000 _0 1e3 1E3 +1e3 1.5 1.50 .5 1. -.5
.inf -.Inf .NaN .nan Inf NaN true True TRUE tRue false False FALSE yes No on off y n
~ null Null NULL nUll 1:20 190:20:30 2020-01-01 2020-01-01T10:00:00Z 2020-01-01t10:00:00+01:00
123456789012345678901234567890 9223372036854775808 -9223372036854775808
<< = - ? : , [] {} %x @x `x #x !foo !!str !!int !!float !!binary !!set &a *a
"""
TRAP_TOKENS = [
    *WHITESPACE_FREE_TRAPS.split(),
    "a & b",
    "a &b",
    "5 * 3",
    "x*y",
    "a # c",
    "a#b",
    "a:b",
    "a: b",
    "Frost & Sullivan",
    "R&D",
    "100%",
    "C++",
    "file_2020_01.jpg",
    "https://example.com/a?b=1&c=2#x",
]
WORD_CHARACTERS = "abcABC0123456789_-+.:#&*!%@,[]{}'\"\\ |>?<~=`/eéß“”€\t\u00a0\u2028\x85\x7f\x01"
plain_words = st.one_of(st.sampled_from(TRAP_TOKENS), st.text(WORD_CHARACTERS, max_size=14))


def single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def double_quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


scalars = st.one_of(
    plain_words,
    plain_words.map(single_quoted),
    plain_words.map(double_quoted),
    st.sampled_from(['"\\x41\\u00e9\\N\\_\\L\\P\\/\\t"', "'it''s'", '"a\\"b"', "!!str 12", "!!int 3", "!custom x"]),
)
keys = st.one_of(
    st.sampled_from(["title", "webUrl", "quality", "a", "b", "12", "-0", "012", "true", "True", "~", '"12"', "<<", "x y", "? k"]),
    st.text("abAB01_-.", min_size=1, max_size=8),
    st.just("k" * 300),
)


def block(value, indent: int) -> list[str]:
    """Lines of a value written in block style under a key or a dash."""
    pad = " " * indent
    kind, content = value
    if kind == "scalar":
        return [content]
    if kind == "flow_list":
        return ["[" + ", ".join(content) + "]"]
    if kind == "flow_map":
        return ["{" + ", ".join(f"{key}: {item}" for key, item in content) + "}"]
    if kind == "literal":
        return ["|", *(pad + "  " + line for line in content)]
    lines = [""]
    for entry in content:
        key, item = entry if kind == "map" else ("-", entry)
        rendered = block(item, indent + 2)
        head = f"{pad}{key}:" if kind == "map" else f"{pad}-"
        if rendered[0] == "":
            lines.append(head)
            lines += rendered[1:]
        else:
            lines.append(f"{head} {rendered[0]}")
            lines += rendered[1:]
    return lines


values = st.recursive(
    st.one_of(
        scalars.map(lambda scalar: ("scalar", scalar)),
        st.lists(plain_words, max_size=3).map(lambda lines: ("literal", lines)),
        st.lists(scalars, max_size=4).map(lambda items: ("flow_list", items)),
        st.lists(st.tuples(keys, scalars), max_size=3).map(lambda pairs: ("flow_map", pairs)),
    ),
    lambda children: st.one_of(
        st.lists(st.tuples(keys, children), min_size=1, max_size=4).map(lambda pairs: ("map", pairs)),
        st.lists(children, min_size=1, max_size=4).map(lambda items: ("list", items)),
    ),
    max_leaves=12,
)
# Front matter as the splitter hands it over ends with a line break.
documents = st.lists(st.tuples(keys, values), min_size=1, max_size=6).map(
    lambda pairs: "\n".join(block(("map", pairs), 0)[1:]) + "\n"
)


INSERTIONS = [*WORD_CHARACTERS, "\n", "\n  ", ": ", "- "]


def mutated(text: str, edits: list[tuple[int, str]]) -> str:
    for position, inserted in edits:
        at = position % (len(text) + 1)
        text = text[:at] + inserted + text[at:]
    return text


@pytest.mark.slow  # a property sweep: tens of seconds of examples
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents)
def test_generated_front_matter_reads_the_same_on_both_paths(text):
    assert compare_text(text)[2] is False, text


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents, st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(INSERTIONS)), max_size=4))
def test_mutated_front_matter_reads_the_same_on_both_paths(text, edits):
    text = mutated(text, edits)
    assert compare_text(text)[2] is False, text


@settings(max_examples=150, deadline=None)
@given(documents)
def test_a_quick_sweep_of_generated_front_matter(text):
    assert compare_text(text)[2] is False, text
