-- Holds when: every image belongs to an article.
select images.article_id, images.position from images
anti join articles using (article_id)
where {everything} or images.article_id in (select article_id from scope_checked_articles)
