"""Form recognition: a :class:`~ingest.document.Document` → self-evaluation forms and report sections."""
