"""sql/models/url_resolutions.sql: which article a URL cited in a related list is. Each
URL comes with its variant key (transforms/variants.py) as the parser gives it."""

from .conftest import outcome

A = "https://n.example/a"
A_AMP = "https://n.example/a?outputType=amp"
A_UTM = "https://n.example/a?utm_source=x"
A2 = "https://n.example/amp/a"  # another article's URL with A's key
W, W_AMP = "https://www.wire.example/idUS1", "https://mobile.wire.example/article/amp/idUS1"  # keys: themselves
W_CDN = "https://mobile-wire-example.cdn.ampproject.org/c/s/mobile.wire.example/article/amp/idUS1"  # key: W_AMP


def named(file: str, position: int | None, article_id: str, urls: tuple[tuple[str, str], ...]) -> dict:
    """The given rows of a file article naming (url, url_key) pairs, its own URL first."""
    file_article_id = f"{file}/{article_id}"
    file_article = {
        "file_article_id": file_article_id,
        "source_file_id": file,
        "embed_position": position,
        "article_id": article_id,
    }
    return {
        "parsed.file_articles": [file_article | {"url": urls[0][0]}],
        "parsed.file_article_urls": [{"file_article_id": file_article_id, "url": url, "url_key": key} for url, key in urls],
    }


def own(article_id: str, *urls: tuple[str, str], reason=None) -> dict:
    """The article of a file of its own, naming its webUrl, then the AMP pages it declares."""
    file = f"{article_id}.md"
    return named(file, None, article_id, urls) | {"parsed.files": [{"source_file_id": file, "reason": reason}]}


def cited(article_id: str, *urls: tuple[str, str]) -> dict:
    """An entry of the related list of h.md, a published file (the model reads no position)."""
    return named("h.md", 0, article_id, urls)


def resolve(con, *file_articles: dict) -> list[dict]:
    query = "select named_id, article_id, url from intermediate.url_resolutions order by named_id"
    return outcome(con, "url_resolutions", query, {"parsed.files": [{"source_file_id": "h.md"}]}, *file_articles)


def resolved(named_id: str, article_id: str, url: str) -> dict:
    return {"named_id": named_id, "article_id": article_id, "url": url}


def test_a_variant_resolves_to_the_one_own_article_with_its_key(con):
    """Rule 2: a cited URL whose key exactly one own article's URLs have is that article."""
    assert resolve(con, own("A", (A, A)), cited("A_UTM", (A_UTM, A))) == [resolved("A_UTM", "A", A)]


def test_the_amp_pages_an_own_file_declares_are_its_urls(con):
    """Rule 2: an own article's ampWebUrl, and URLs with its key, resolve to the article."""
    file_articles = own("W", (W, W), (W_AMP, W_AMP)), cited("W_AMP", (W_AMP, W_AMP)), cited("W_CDN", (W_CDN, W_AMP))
    assert resolve(con, *file_articles) == [resolved("W_AMP", "W", W), resolved("W_CDN", "W", W)]


def test_a_key_no_own_article_has_resolves_nowhere(con):
    """A cited URL whose key no own URL has (another query parameter names another page) stays apart."""
    assert resolve(con, own("A", (A, A)), cited("A_ID", (A + "?id=123", A + "?id=123"))) == []


def test_an_own_webUrl_is_never_resolved_away(con):
    """Rule 1: a URL with a file of its own is that article, though cited and though its key is another's URL."""
    assert resolve(con, own("A", (A, A)), own("A_UTM", (A_UTM, A)), cited("A_UTM", (A_UTM, A))) == []


def test_a_shared_key_resolves_to_the_one_own_article_naming_the_url(con):
    """Rule 2: when several own articles have the key, the one naming this very URL takes it."""
    file_articles = own("A", (A, A), (A_AMP, A)), own("A2", (A2, A)), cited("A_AMP", (A_AMP, A))
    assert resolve(con, *file_articles) == [resolved("A_AMP", "A", A)]


def test_a_shared_key_no_one_names_resolves_nowhere(con):
    """Rule 2: an ambiguous key never merges, even when it is one of the articles' own webUrl."""
    assert resolve(con, own("A", (A, A)), own("A2", (A2, A)), cited("A_UTM", (A_UTM, A))) == []


def test_a_url_two_own_articles_name_resolves_nowhere(con):
    """Rule 2: when more than one of the own articles sharing the key names this very URL, none takes it."""
    assert resolve(con, own("A", (A, A), (A_AMP, A)), own("A2", (A2, A), (A_AMP, A)), cited("A_AMP", (A_AMP, A))) == []


def test_a_variant_of_a_cited_clean_url_resolves_to_it(con):
    """Rule 3: a variant of a related-only article whose clean URL (the key) was cited too is that article."""
    c, c_fb = "https://c.example/only", "https://c.example/only?fbclid=abc"
    assert resolve(con, cited("C", (c, c)), cited("C_FB", (c_fb, c))) == [resolved("C_FB", "C", c)]


def test_variants_without_their_clean_url_stay_apart(con):
    """Rule 3 needs the clean URL itself: two variants of it do not resolve to each other."""
    x_a, x_b = "https://x.example/x?utm_source=a", "https://x.example/x?utm_source=b"
    assert resolve(con, cited("X_A", (x_a, "https://x.example/x")), cited("X_B", (x_b, "https://x.example/x"))) == []


def test_a_clean_citation_takes_its_variants_to_where_it_resolves(con):
    """Rule 3: the variant of a cited clean URL goes where that one resolves by rule 2,
    though the variant itself is ambiguous by rule 2."""
    k, k_utm = "https://s.example/news/1", "https://s.example/news/1?utm_source=x"
    # X declares the clean URL as its AMP page; Y's webUrl has its key.
    file_articles = own("X", (W, W), (k, k)), own("Y", (k + "/amp", k)), cited("K", (k, k)), cited("K_UTM", (k_utm, k))
    assert resolve(con, *file_articles) == [resolved("K", "X", W), resolved("K_UTM", "X", W)]


def test_an_amp_page_only_a_citation_declares_names_no_article(con):
    """Only own files' AMP pages count: a citation of a page another citation declares stays apart."""
    assert resolve(con, cited("C", (A, A), (W_AMP, W_AMP)), cited("W_AMP", (W_AMP, W_AMP))) == []


def test_rejected_files_count_for_nothing(con):
    """An own article in a rejected file takes no variants."""
    assert resolve(con, own("A", (A, A), reason="not yaml"), cited("A_UTM", (A_UTM, A))) == []
