"""The pure rules of transforms/variants.py: which URLs share a key, which articles a
story key joins, one row per rule and per near miss."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from matterhouse.transforms.normalize import normalize_url
from matterhouse.transforms.variants import story_key, variant_key

WEB = "https://www.example.com/news/2020/story-123"

SAME_ARTICLE = [
    (WEB, WEB, "web"),
    (WEB + "?utm_source=twitter&utm_medium=social", WEB, "variant"),
    (WEB + "?UTM_Campaign=x", WEB, "variant"),
    (WEB + "?fbclid=IwAR0abc", WEB, "variant"),
    (WEB + "?gclid=1&mc_cid=2&mc_eid=3", WEB, "variant"),
    (WEB + "?outputType=amp", WEB, "amp"),
    (WEB + "?amp", WEB, "amp"),
    (WEB + "?amp=1&utm_source=x", WEB, "amp"),
    ("https://www.example.com/amp/news/2020/story-123", WEB, "amp"),
    (WEB + "/amp", WEB, "amp"),
    (WEB + "/amp/", WEB + "/", "amp"),
    ("https://www-example-com.cdn.ampproject.org/c/s/www.example.com/news/2020/story-123", WEB, "cdn_amp"),
    ("https://www-example-com.cdn.ampproject.org/c/s/www.example.com/news/2020/story-123?outputType=amp", WEB, "cdn_amp"),
    (
        "https://www-example-com.cdn.ampproject.org/v/s/www.example.com/news/2020/story-123?amp_js_v=0.1&usqp=mq331AQ",
        WEB,
        "cdn_amp",
    ),
    ("https://example-com.cdn.ampproject.org/c/example.com/a", "http://example.com/a", "cdn_amp"),
    (WEB + "?id=7&utm_source=x", WEB + "?id=7", "variant"),
    ("https://www.example.com/amp/news/2020/story-123/amp", WEB, "amp"),
    ("https://www.example.com/amp/amp/news/2020/story-123", WEB, "amp"),
]

DIFFERENT_ARTICLE = [
    WEB + "?id=123",
    WEB + "?page=2",
    WEB + "?outputType=print",
    WEB + "?amp=0",
    "https://www.example.com/news/amp/2020/story-123",  # amp in the middle of the path
    "https://www.example.com/news/2020/story-123-amp",  # amp inside a word
    "http://www.example.com/news/2020/story-123",  # another scheme
    "https://example.com/news/2020/story-123",  # another host
    WEB + "/",  # a trailing slash is another path
    "https://www.example.com/amp",  # a path that is only amp: not a marker
]


@pytest.mark.parametrize("url, key, kind", SAME_ARTICLE)
def test_variants_share_the_web_url_as_key(url, key, kind):
    assert variant_key(url) == (key, kind)


@pytest.mark.parametrize("url", DIFFERENT_ARTICLE)
def test_near_misses_keep_a_key_of_their_own(url):
    assert variant_key(url).key != WEB


@pytest.mark.parametrize("url", [url for url, _, _ in SAME_ARTICLE] + DIFFERENT_ARTICLE)
def test_a_key_is_its_own_key(url):
    key = variant_key(url).key
    assert variant_key(key).key == key


def test_the_rest_of_the_path_stays_as_written():
    assert variant_key("https://a.example/x//y/?amp=1").key == "https://a.example/x//y/"


def test_parameters_that_stay_keep_their_order_and_spelling():
    assert variant_key("https://a.example/x?b=2&utm_source=s&a=%20").key == "https://a.example/x?b=2&a=%20"


def test_a_cache_url_without_an_inner_url_is_left_as_it_is():
    assert variant_key("https://x.cdn.ampproject.org/favicon.ico") == ("https://x.cdn.ampproject.org/favicon.ico", "web")


TITLE = "Herta Security Lauded by Frost & Sullivan"
EXCERPT = "BARCELONA, Spain, Feb. 12, 2020 /PRNewswire/ -- Herta Security is recognized."


@pytest.mark.parametrize(
    "title, excerpt",
    [
        (TITLE.upper(), EXCERPT),
        ("Herta Security Lauded by Frost &amp; Sullivan", EXCERPT),
        ("  Herta  Security — Lauded by Frost & Sullivan!", EXCERPT.replace(" -- ", " — ")),
        ("\uff28\uff45\uff52\uff54\uff41 Security Lauded by Frost & Sullivan", EXCERPT),  # full-width letters: NFKC
    ],
)
def test_story_keys_join_copies_written_differently(title, excerpt):
    assert story_key(title, excerpt) == story_key(TITLE, EXCERPT) is not None


@pytest.mark.parametrize(
    "title, excerpt",
    [
        (TITLE + " 2", EXCERPT),
        (TITLE, EXCERPT + " More."),
        (TITLE, None),
        (None, EXCERPT),
        (TITLE, " -- "),
        ("\u0e02\u0e36\u0e49\u0e19", EXCERPT),  # Thai: a vowel sign is part of the word
    ],
)
def test_story_keys_keep_near_misses_apart(title, excerpt):
    assert story_key(title, excerpt) != story_key(TITLE, EXCERPT)


def test_marks_keep_words_apart():
    rise, step = "\u0e02\u0e36\u0e49\u0e19", "\u0e02\u0e31\u0e49\u0e19"  # two Thai words, one vowel sign apart
    assert story_key(rise, EXCERPT) != story_key(step, EXCERPT)
    assert story_key("Caf\u00e9 cr\u00e8me", EXCERPT) == story_key("CAFE\u0301 CRE\u0300ME!", EXCERPT)


def test_no_story_key_without_a_title_and_an_excerpt():
    assert story_key(TITLE, "") is None and story_key("", EXCERPT) is None and story_key(TITLE, "!!") is None


@given(
    path=st.sampled_from(["/", "/news/a", "/Story/1.html", "/ampere/x", "/a-amp"]),
    parameters=st.lists(
        st.sampled_from(
            [
                "id=1",
                "utm_source=x",
                "UTM_medium=",
                "amp",
                "amp=1",
                "amp=0",
                "outputType=amp",
                "outputtype=AMP",
                "fbclid=q",
                "page=2",
                "a=b=c",
                "",
                "=x",
                "usqp=mq331AQ",
            ]
        ),
        min_size=1,
        max_size=5,
    ),
)
def test_a_canonical_url_with_a_query_gets_the_key_a_split_url_does(path, parameters):
    """variant_key strips a canonical URL's query without urlsplit; the key and kind are those
    of the same URL taken apart by urlsplit, which it does for the URL with its default
    port written out (not canonical, so not on the fast path)."""
    query = "&".join(parameters)
    assume(query)  # a bare '?' is not canonical: normalize_url drops it
    url = f"https://www.example.com{path}?{query}"
    expected = variant_key(url.replace("https://www.example.com", "https://www.example.com:443", 1))
    assert normalize_url(url) == url
    assert variant_key(url) == (expected.key.replace(":443", "", 1), expected.kind)
