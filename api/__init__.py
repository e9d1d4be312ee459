"""ziping's faces: the ``ziping`` CLI, the FastAPI app and the reviewer web page — thin shells over
``ingest`` and ``assistant``."""
