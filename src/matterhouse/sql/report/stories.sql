-- Report: the stories that came out more than once (syndicated copies), largest first: the
-- first $limit of them, with the providers that published them; each row also carries how
-- many such stories, and copies, there are in all.
with

stories as (
    select story_id, articles, providers, first_published_at, title from main.stories
),

articles as (
    select story_id, provider_id from main.articles
),

providers as (
    select provider_id, coalesce(name, domain) as provider from main.providers
),

with_copies as (
    select
        story_id,
        title,
        articles,
        providers,
        first_published_at,
        count(*) over () as stories_with_copies,
        cast(sum(articles) over () as bigint) as copies_in_all
    from stories
    where articles > 1
    order by articles desc, providers desc, first_published_at nulls last, story_id
    limit $limit
),

publishers as (
    select articles.story_id, list(distinct providers.provider order by providers.provider) as provider_names
    from articles
    inner join providers using (provider_id)
    where articles.story_id in (select story_id from with_copies)
    group by articles.story_id
),

final as (
    select
        with_copies.story_id,
        with_copies.title,
        with_copies.articles,
        with_copies.providers,
        publishers.provider_names,
        with_copies.first_published_at,
        with_copies.stories_with_copies,
        with_copies.copies_in_all
    from with_copies
    left join publishers using (story_id)
)

select
    story_id, title, articles, providers, provider_names, first_published_at, stories_with_copies, copies_in_all
from final
order by articles desc, providers desc, first_published_at nulls last, story_id
