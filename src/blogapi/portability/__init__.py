"""Moving a blog: backups of one engine, portable archives between engines, schema moves."""
