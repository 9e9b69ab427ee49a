-- Grain: one row per article known only from related entries whose URL resolves to
-- another article (named_id: the hash of the URL it was cited with; article_id and url:
-- the article it is): its URL is one of that article's URLs once tracking parameters and
-- AMP wrapping are removed (url_key, transforms/variants.py). Rules, in order:
-- 1. A URL that is the webUrl of a file of its own is that article; never resolved away.
-- 2. Otherwise it resolves to the article with files of its own one of whose URLs (its
--    webUrl, ampWebUrl or cdnAmpWebUrl, as its file_articles give them) has the same key, when
--    exactly one article has that key; when several do, to the one naming this very URL,
--    if exactly one does; else it is not resolved (an ambiguous key never merges).
-- 3. Otherwise it resolves to the article known from related entries whose URL is the key
--    itself (the clean URL was cited too), or to where that one resolves by rule 2.
-- Only files that are not rejected count.
-- Built by key (steps/models.py): the rows of every id whose URL's key is among the URL keys
-- a changed file names, before or after (sql/scopes/named_ids.sql): a resolution reads only
-- the URLs that share its key.
with

files as (
    select source_file_id
    from parsed.files
    where reason is null
      and ({everything} or source_file_id in (
          select source_file_id from parsed.file_article_urls where url_key in (select url_key from scope_url_keys)
      ))
),

named as (
    select
        file_articles.article_id as named_id,
        file_articles.embed_position is null as is_own,
        urls.url,
        urls.url_key,
        urls.url = file_articles.url as is_its_url
    from parsed.file_article_urls as urls
    inner join parsed.file_articles as file_articles using (file_article_id)
    inner join files on files.source_file_id = file_articles.source_file_id
    where {everything} or urls.url_key in (select url_key from scope_url_keys)
),

own_urls as (
    select distinct named_id as article_id, url, url_key
    from named
    where is_own
),

cited as (
    select distinct named_id, url, url_key
    from named
    where is_its_url and not is_own
      and named_id not in (select article_id from own_urls)
),

own_candidates as (
    select cited.named_id, own_urls.article_id, bool_or(own_urls.url = cited.url) as names_this_url
    from cited
    inner join own_urls using (url_key)
    group by cited.named_id, own_urls.article_id
),

to_own as (
    select
        named_id,
        case
            when count(*) = 1 then min(article_id)
            when count(*) filter (where names_this_url) = 1 then min(article_id) filter (where names_this_url)
        end as article_id
    from own_candidates
    group by named_id
    having article_id is not null
),

to_clean_citation as (
    select cited.named_id, clean.named_id as article_id
    from cited
    inner join cited as clean on clean.url = cited.url_key
    where cited.url <> cited.url_key
      and cited.named_id not in (select named_id from to_own)
),

resolved as (
    select named_id, article_id
    from to_own
    union all
    select to_clean_citation.named_id, coalesce(to_own.article_id, to_clean_citation.article_id) as article_id
    from to_clean_citation
    left join to_own on to_own.named_id = to_clean_citation.article_id
),

own_articles as (
    -- Not from named: an article's own URL need not share the key it was found by.
    select distinct file_articles.article_id, file_articles.url
    from parsed.file_articles as file_articles
    inner join files using (source_file_id)
    where file_articles.embed_position is null
      and file_articles.article_id in (select article_id from resolved)
),

final as (
    select resolved.named_id, resolved.article_id, coalesce(own_articles.url, cited.url) as url
    from resolved
    left join own_articles using (article_id)
    left join cited on cited.named_id = resolved.article_id
)

select * from final
