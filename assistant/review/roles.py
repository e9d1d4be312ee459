"""Who may act on a submission (issue 15 item 9): a reviewer on the submissions assigned to them
or to no one, an admin on all. Every face (API, CLI) names the actor; the store checks before it
changes anything."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.review.errors import Forbidden, Invalid


@dataclass(frozen=True)
class Actor:
    """The user acting: the name the audit log records, and whether they hold the admin role."""

    name: str
    admin: bool = False

    def __post_init__(self) -> None:
        if not (self.name or "").strip():
            raise Invalid("审核操作须注明操作人")


def check_may_act(actor: Actor, assignee: str | None) -> None:
    """:class:`Forbidden` unless ``actor`` may act on a submission assigned to ``assignee``."""
    if actor.admin or assignee is None or assignee == actor.name:
        return
    raise Forbidden(f"这份材料已分派给“{assignee}”，只有其本人或管理员可以操作")
