"""What can go wrong when a reviewer acts, each with the Chinese message the reviewer reads.

The API maps the classes to status codes (403, 404, 409, 422) and the CLI to exit codes; nothing is
changed when one is raised."""

from __future__ import annotations


class ReviewError(Exception):
    """A refused review action; ``str(error)`` is the Chinese message."""


class NotFound(ReviewError):
    """The finding or submission acted on does not exist."""


class Conflict(ReviewError):
    """The action no longer fits what is stored: the finding changed since it was loaded, another
    reviewer decided first, or the transition is not allowed from the current state."""


class Forbidden(ReviewError):
    """The actor may not act on this submission (a reviewer on one assigned to someone else)."""


class Invalid(ReviewError):
    """The action itself is incomplete or malformed (a reason missing where required, an unknown
    decision, a value that does not parse)."""
