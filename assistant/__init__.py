"""ziping's core: the domain model, value parsing, the checker, stores, retrieval, answers and drafts.

Nothing in here parses file formats or knows about HTTP (see docs/architecture.md).
"""
