-- Holds when: every image belongs to an article.
select images.article_id, images.position from images
anti join articles using (article_id)
