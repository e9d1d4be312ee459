"""Ingest: read uploaded files into a format-independent Document."""
