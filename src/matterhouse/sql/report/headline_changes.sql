-- Report: the latest $limit headline changes, with the article's provider; each row also
-- carries how many changes, and changed articles, there are in all.
with

changes as (
    select article_id, from_title, to_title, changed_at from main.headline_changes
),

articles as (
    select article_id, provider_id from main.articles
),

providers as (
    select provider_id, domain, name from main.providers
),

counted as (
    select
        article_id,
        from_title,
        to_title,
        changed_at,
        count(*) over () as changes_in_all,
        count(distinct article_id) over () as articles_changed
    from changes
),

final as (
    select
        counted.article_id,
        coalesce(providers.name, providers.domain) as provider,
        counted.from_title,
        counted.to_title,
        counted.changed_at,
        counted.changes_in_all,
        counted.articles_changed
    from counted
    left join articles using (article_id)
    left join providers using (provider_id)
    order by counted.changed_at desc nulls last, counted.article_id
    limit $limit
)

select article_id, provider, from_title, to_title, changed_at, changes_in_all, articles_changed from final
order by changed_at desc nulls last, article_id
