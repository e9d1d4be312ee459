"""HTTP routes, one module per resource; each exposes ``router`` (mounted by :func:`api.app.create_app`).

Routes stay thin: they check input, call ``ingest`` / ``assistant`` and shape the answer with
:mod:`api.schemas`.
"""
