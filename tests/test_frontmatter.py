import pytest
from matterhouse.transforms.errors import RejectedFile
from matterhouse.transforms.frontmatter import decode, split


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
    ],
)
def test_split_finds_the_closing_line(text, expected_yaml, expected_body):
    assert split(text) == (expected_yaml, expected_body)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("a: 1\n---\n", "no front matter: the file does not start with a '---' line"),
        ("\n---\na: 1\n---\n", "no front matter: the file does not start with a '---' line"),
        ("--- a: 1\n---\n", "no front matter: the file does not start with a '---' line"),
        ("---\na: 1\n", "front matter is not closed: no second '---' line"),
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
