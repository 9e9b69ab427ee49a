import re
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matterhouse.transforms.normalize import (
    _rebuild_url,
    normalize_domain,
    normalize_topic,
    normalize_url,
    stable_id,
    to_flag,
    to_integer,
    to_text,
    to_timestamp,
)


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "convert, value, expected",
    [
        (normalize_url, " https://www.example.com/a/B?x=1 ", "https://www.example.com/a/B?x=1"),
        (normalize_url, "HTTPS://WWW.Example.COM:443/a#comments", "https://www.example.com/a"),
        (normalize_url, "http://example.com:80", "http://example.com/"),
        (normalize_url, "http://example.com:8080/p", "http://example.com:8080/p"),
        (normalize_url, "https://example.com/a/?outputType=amp", "https://example.com/a/?outputType=amp"),
        (normalize_domain, "ChicagoTribune.com", "chicagotribune.com"),
        (normalize_domain, " reuters.com. ", "reuters.com"),
        (normalize_domain, "https://www.scmp.com/news", "www.scmp.com"),
        (normalize_topic, "  Coronavirus   in\tUS ", "Coronavirus in US"),
        (normalize_topic, "AI", "AI"),
        (to_timestamp, "2020-02-06T19:37:00Z", utc(2020, 2, 6, 19, 37)),
        (to_timestamp, "2020-07-19T13:07:00-07:00", utc(2020, 7, 19, 20, 7)),
        (to_timestamp, "2021-02-25T17:45:00+01:00", utc(2021, 2, 25, 16, 45)),
        (to_timestamp, "2021-02-25 17:45:00.5", utc(2021, 2, 25, 17, 45, 0, 500000)),
        (to_timestamp, "2020-01-01", utc(2020, 1, 1)),
        (to_integer, "33", 33),
        (to_integer, "-1", -1),
        (to_integer, " +7 ", 7),
        (to_flag, "false", False),
        (to_flag, "True", True),
        (to_flag, "no", False),
        (to_flag, "ON", True),
        (to_text, "No", "No"),
        (to_text, 12, "12"),
    ],
)
def test_value_rules(convert, value, expected):
    assert convert(value) == expected


@pytest.mark.parametrize(
    "convert, value, message",
    [
        (normalize_url, "ftp://example.com/file", "is not an http(s) URL"),
        (normalize_url, "www.example.com/a", "is not an http(s) URL"),
        (normalize_url, "https://", "is not an http(s) URL"),
        (normalize_url, "http://example.com:99999/", "is not a valid URL"),
        (normalize_url, ["https://example.com"], "is not a URL"),
        (normalize_domain, "", "is empty"),
        (normalize_domain, "not a domain", "is not a domain name"),
        (normalize_topic, "   ", "is empty"),
        (to_timestamp, "yesterday", "is not an ISO 8601 timestamp"),
        (to_timestamp, "1:20", "is not an ISO 8601 timestamp"),
        (to_integer, "1:20", "is not a whole number"),
        (to_integer, "33.5", "is not a whole number"),
        (to_integer, "high", "is not a whole number"),
        (to_integer, "9" * 20, "is too large for a 64-bit integer"),
        (to_flag, "maybe", "is not true or false"),
        (to_text, {"a": 1}, "is a mapping, not text"),
        (to_text, ["a"], "is a list, not text"),
    ],
)
def test_value_rules_reject_bad_values(convert, value, message):
    with pytest.raises(ValueError) as raised:
        convert(value)
    assert str(raised.value) == message


def test_stable_ids_are_the_same_on_every_machine():
    # Pinned values: a change here changes every key in every warehouse.
    assert stable_id("https://www.reuters.com/") == "938754f9bd588c14"
    assert stable_id("reuters.com") == "f2f452a655ec9c4e"
    assert stable_id("a", "b") != stable_id("ab") != stable_id("a\x1fb", "")


URL_PIECES = st.sampled_from(
    ["/", "//", "path", "P%20q", "?", "?x=1", "&y=", "#frag", "#", " ", "\t", "\n", "é", "[", "]", ".", ":80", "@", ""]
)
URLS = st.one_of(
    st.builds(
        lambda scheme, host, slash, rest: f"{scheme}://{host}{slash}{rest}",
        st.sampled_from(["http", "https", "HTTP", "ftp", ""]),
        st.sampled_from(["example.com", "Example.COM", "a-b.org", "x.com:443", "x.com:8080", "user@x.com", "[::1]", ""]),
        st.sampled_from(["/", ""]),
        st.lists(URL_PIECES, max_size=4).map("".join),
    ),
    st.lists(URL_PIECES, min_size=1, max_size=8).map("".join),
)


@pytest.mark.slow  # a property sweep: seconds of examples
@settings(max_examples=3000, deadline=None)
@given(URLS)
def test_canonical_urls_skip_urlsplit_only_when_it_would_change_nothing(text):
    """normalize_url returns a URL already in canonical form as it is; the full rule
    (urlsplit and urlunsplit) must agree, for every URL-like string."""
    try:
        expected = _rebuild_url(text.strip())
    except ValueError:
        expected = ValueError
    if not text.strip():
        expected = ValueError
    try:
        actual = normalize_url(text)
    except ValueError:
        actual = ValueError
    assert actual == expected


def integer_rule(text: str):
    """The integer rule as the module docstring states it: optional sign and decimal
    digits (spaces around allowed), fitting a signed 64-bit integer."""
    stripped = text.strip()
    if not re.fullmatch(r"[+-]?[0-9]+", stripped) or abs(int(stripped)) > 2**63 - 1:
        return ValueError
    return int(stripped)


@pytest.mark.slow  # a property sweep: seconds of examples
@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.text(alphabet="0123456789", max_size=25), st.text(alphabet="0123456789+- ²٣", max_size=22), st.text()))
def test_integers_follow_the_rule_on_the_fast_path_too(text):
    try:
        actual = to_integer(text)
    except ValueError:
        actual = ValueError
    assert actual == integer_rule(text)
