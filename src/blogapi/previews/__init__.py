"""Shareable draft previews: a secret link that shows a post as it is now, without an account."""
