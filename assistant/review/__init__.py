"""The review season (issue 15): reviewers' decisions on findings, where a submission stands, and
the audit log of both. The rules of the workflow live here as plain functions and data; the
records they change are kept by :mod:`assistant.stores.review`."""
