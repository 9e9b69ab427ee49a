-- Holds when: every provider_id of an article is a provider.
-- dbt test: relationships articles.provider_id -> providers.provider_id
select articles.article_id, articles.provider_id from articles
where ({everything} or articles.article_id in (select article_id from scope_checked_articles) or articles.provider_id in (select provider_id from scope_providers))
  and articles.provider_id is not null
  and articles.provider_id not in (select provider_id from providers)
