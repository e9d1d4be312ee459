"""Bureaus (财政局 / 评价机构): the tenants whose data is kept apart in one installation.

Every user belongs to one bureau, and so does every submission — the bureau of whoever uploaded or
ingested it — with everything hanging off it (findings, decisions, versions, cycle forms, drafts,
full text and vectors). A reviewer sees their own bureau's data only; an ``admin`` runs the
installation and sees every bureau (see :meth:`assistant.stores.records.RecordStore.within`).

An installation that never names a bureau has one, :data:`DEFAULT_BUREAU`, made by the migration
that introduced bureaus: every row stored before it belongs there, so nothing changes for it.
``ziping bureaus add CODE NAME`` makes another; ``ziping users add NAME --bureau CODE`` and
``ziping ingest … --bureau CODE`` put users and files into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, String, Table, insert, select
from sqlalchemy.engine import Engine

from assistant.stores.records import DEFAULT_BUREAU, Base

__all__ = ["DEFAULT_BUREAU", "DEFAULT_BUREAU_NAME", "Bureau", "BureauError", "BureauStore", "bureaus_table"]

DEFAULT_BUREAU_NAME = "本机构"
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")

bureaus_table = Table(
    "bureaus",
    Base.metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Bureau:
    code: str  # short, stable, used on the command line and in the data: ``hz-czj``
    name: str  # as people read it: 杭州市财政局
    created_at: datetime


class BureauError(ValueError):
    """A bureau command that cannot be done (bad code or name, taken, unknown)."""


class BureauStore:
    """Bureaus on the records store's engine (whose migrations made the table)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, code: str, name: str) -> Bureau:
        code, name = (code or "").strip(), (name or "").strip()
        if not _CODE.match(code):
            raise BureauError(f"机构代码须为 1–32 位小写字母、数字、- 或 _：{code!r}")
        if not name or len(name) > 128:
            raise BureauError("机构名称须为 1–128 个字符")
        with self.engine.begin() as conn:
            taken = conn.execute(select(bureaus_table.c.code).where(
                (bureaus_table.c.code == code) | (bureaus_table.c.name == name))).first()
            if taken is not None:
                raise BureauError(f"机构代码或名称已存在：{code}（{name}）")
            now = datetime.now(UTC)
            conn.execute(insert(bureaus_table).values(code=code, name=name, created_at=now))
        return Bureau(code, name, now)

    def list(self) -> list[Bureau]:
        with self.engine.connect() as conn:
            return [Bureau(r.code, r.name, r.created_at)
                    for r in conn.execute(select(bureaus_table).order_by(bureaus_table.c.code))]

    def get(self, code: str) -> Bureau | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(bureaus_table).where(bureaus_table.c.code == code)).first()
        return Bureau(r.code, r.name, r.created_at) if r is not None else None

    def require(self, code: str) -> Bureau:
        """The bureau of this code, or a :class:`BureauError` naming the bureaus there are."""
        found = self.get(code)
        if found is None:
            known = "、".join(b.code for b in self.list()) or "（无）"
            raise BureauError(f"没有代码为 {code!r} 的机构（已有：{known}）；请先用 `ziping bureau add` 创建")
        return found
