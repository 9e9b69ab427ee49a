-- Grain: one row per story (articles.story_id): copies of one story across URLs and
-- providers, or a single article. articles: how many copies; providers: how many distinct
-- providers published them; title: the first copy's.
create or replace view stories as
with

articles as (
    select article_id, story_id, provider_id, published_at, title from main.articles
),

final as (
    select
        story_id,
        count(*) as articles,
        count(distinct provider_id) as providers,
        min(published_at) as first_published_at,
        any_value(title) filter (where article_id = story_id) as title
    from articles
    group by story_id
)

select * from final
