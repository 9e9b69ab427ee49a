import pytest

from matterhouse.transforms.errors import RejectedFile
from matterhouse.transforms.yaml_loader import load_mapping


@pytest.mark.parametrize(
    "line, value",
    [
        ("title: No", "No"),
        ("title: Off", "Off"),
        ("title: yes", "yes"),
        ("title: on", "on"),
        ("title: 1:20", "1:20"),
        ("title: 0x1F", "0x1F"),
        ("title: 1e3", "1e3"),
        ("title: 010", "010"),
        ("title: 2020-01-01", "2020-01-01"),
        ("title: .inf", ".inf"),
        ("title: '1:20'", "1:20"),
        ('title: "null"', "null"),
        ("title: null", None),
        ("title: ~", None),
        ("title:", None),
        ("quality: 33", "33"),
        ("when: 2020-02-06T19:37:00Z", "2020-02-06T19:37:00Z"),
    ],
)
def test_plain_scalars_stay_text_as_written(line, value):
    assert load_mapping(line) == {line.split(":")[0]: value}


def test_nested_structures_keep_their_shape():
    text = "provider: {name: Reuters, domain: reuters.com}\ntopics: [AI, No]\nimages:\n  - url: x\n    width: 1200\n"
    assert load_mapping(text) == {
        "provider": {"name": "Reuters", "domain": "reuters.com"},
        "topics": ["AI", "No"],
        "images": [{"url": "x", "width": "1200"}],
    }


@pytest.mark.parametrize(
    "text, reason",
    [
        (
            "title: !!python/object/apply:os.system ['echo hacked']",
            "front matter uses the YAML tag !!python/object/apply:os.system at line 2, column 8, "
            "which is not allowed: only plain data (text, lists, mappings) is read",
        ),
        (
            "a: &anchor [1, 2]\nb: *anchor",
            "front matter uses YAML anchors/aliases ('&name'/'*name'), which are not allowed; "
            "write the value out in full (line 2)",
        ),
        ("title: [unclosed\nwebUrl: x", "invalid YAML at line 3, column 7: did not find expected ',' or ']'"),
        ("- a\n- b", "front matter is a list, not a mapping of fields such as 'webUrl: ...'"),
        ("just a sentence", "front matter is a single value, not a mapping of fields such as 'webUrl: ...'"),
        ("", "front matter is empty: there is nothing between the '---' lines"),
        ("a: b\nc: \x01", "front matter contains the control character #x01 on line 3, which YAML does not allow; remove it"),
        ("a: " + "[" * 32 + "]" * 32, "front matter nests lists and mappings more than 32 levels deep"),
        ("a: " + "[" * 2000 + "]" * 2000, "invalid YAML at line 2, column 1003: exceeded maximum nesting depth"),
    ],
)
def test_unreadable_front_matter_is_rejected_with_a_reason(text, reason):
    with pytest.raises(RejectedFile) as raised:
        load_mapping(text)
    assert raised.value.reason == reason


def test_a_billion_laughs_bomb_is_rejected_before_it_expands():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    with pytest.raises(RejectedFile, match="anchors/aliases"):
        load_mapping("\n".join(lines))
