"""View counts without a write per view: counted in Redis (or a per-process buffer), flushed
to `post_view_daily` and `posts.views_count` by the worker."""
