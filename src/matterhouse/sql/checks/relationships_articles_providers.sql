-- Holds when: every provider_id of an article is a provider.
select articles.article_id, articles.provider_id from articles
where articles.provider_id is not null
  and articles.provider_id not in (select provider_id from providers)
