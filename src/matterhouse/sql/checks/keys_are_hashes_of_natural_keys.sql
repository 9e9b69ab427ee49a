-- Holds when: article_id and provider_id are the documented hashes of url and domain.
select 'articles' as table_name, article_id as key, url as natural_key from articles
where ({everything} or article_id in (select article_id from scope_checked_articles)) and article_id <> left(sha256(url), 16)
union all
select 'providers', provider_id, domain from providers
where ({everything} or provider_id in (select provider_id from scope_providers)) and provider_id <> left(sha256(domain), 16)
