-- Grain: one row per article that is a copy in a story of two or more (every other
-- article is a story of its own: articles.story_id = its article_id). Two articles are
-- copies when their story keys are equal (title and excerpt, normalized:
-- transforms/variants.py) and the later was published at most 48 hours after the story's
-- first copy. Copies are taken in order of published_at, then article_id: the first
-- starts a story, and so does each copy published more than 48 hours after the first
-- copy of the story before it, so a daily item with the same title and excerpt makes one
-- story per two days at most, however long it runs. story_id is the first copy's
-- article_id. Articles without a publication time are stories of their own.
-- Built by key: every story key an article of a changed chosen file article had or has
-- (sql/scopes/stories.sql); a story is all the articles of one key.
with recursive

candidates as (
    select
        article_id,
        story_key,
        published_at,
        row_number() over (partition by story_key order by published_at, article_id) as copy_number
    from intermediate.chosen_file_articles
    where story_key is not null and published_at is not null
      and ({everything} or story_key in (select story_key from scope_story_keys))
    qualify count(*) over (partition by story_key) > 1
),

walk as (
    select story_key, copy_number, article_id, article_id as story_id, published_at as story_started_at
    from candidates
    where copy_number = 1
    union all
    select
        next_copy.story_key,
        next_copy.copy_number,
        next_copy.article_id,
        case
            when next_copy.published_at <= walk.story_started_at + interval 48 hours then walk.story_id
            else next_copy.article_id
        end,
        case
            when next_copy.published_at <= walk.story_started_at + interval 48 hours then walk.story_started_at
            else next_copy.published_at
        end
    from walk
    inner join candidates as next_copy
        on next_copy.story_key = walk.story_key and next_copy.copy_number = walk.copy_number + 1
),

final as (
    select article_id, story_id, story_key
    from walk
    qualify count(*) over (partition by story_id) > 1
)

select * from final
