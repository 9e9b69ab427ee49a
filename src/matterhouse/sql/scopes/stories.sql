-- story_copies rows to recompute: every story key an article whose chosen file article
-- may have changed had or has (a story is all the articles of one key).
insert into scope_story_keys
select story_key from before_chosen_file_articles where story_key is not null
union
select story_key
from intermediate.chosen_file_articles
where article_id in (select article_id from scope_articles) and story_key is not null
