"""RealWorld (Conduit) compatibility: the Conduit API over the core's services.

Routers, camelCase schemas and mappers only: articles are posts, favorites are likes,
profiles are accounts; no rule lives here and no table is read (tests/realworld holds
this package to that)."""
