-- Grain: one row per (article, URL by which it was seen). Key: (article_id, url).
create table if not exists article_urls (
    article_id varchar not null,  -- -> articles.article_id
    url varchar not null,         -- normalized like articles.url
    kind varchar not null         -- web (articles.url), amp, cdn_amp or variant (tracking parameters)
)
