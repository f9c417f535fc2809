"""Media: uploaded images (re-encoded, with responsive variants) on local disk or S3."""
