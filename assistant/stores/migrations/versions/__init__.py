"""The revisions, oldest first by their ``down_revision`` chain (a package so that wheels ship them)."""
