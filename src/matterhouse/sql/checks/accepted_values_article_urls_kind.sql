-- Holds when: kind is web, amp, cdn_amp or variant, and web is exactly the article's own URL.
-- dbt test: accepted_values article_urls.kind: web, amp, cdn_amp, variant
with

articles as (
    select * from articles where {everything} or article_id in (select article_id from scope_checked_articles)
)

select article_urls.article_id, article_urls.url, article_urls.kind from article_urls
inner join articles using (article_id)
where ({everything} or article_urls.article_id in (select article_id from scope_checked_articles))
  and (article_urls.kind not in ('web', 'amp', 'cdn_amp', 'variant')
       or (article_urls.kind = 'web') <> (article_urls.url = articles.url))
