"""The 公文 blocks a reviewer fills in before signing: 发文机关, 主送机关, 发文字号, 成文日期, 抄送.

They are inputs (the drafts page form, ``ziping draft --issuer …``, saved per user in the records
store), not configuration: ``drafting.yaml`` only holds the ×× placeholders used when a field is
left empty, so an unfilled letter still shows where the reviewer has to write.

Each user's letterhead is kept here (one row per user, the last save wins) and offered again on
the next draft.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.stores.records import Base

__all__ = ["Letterhead", "LetterheadRow", "LetterheadStore"]


@dataclass(frozen=True)
class Letterhead:
    issuer: str = ""  # 发文机关署名
    addressee: str = ""  # 主送机关 (a review letter: the unit when empty)
    doc_number: str = ""  # 发文字号, e.g. ×财绩函〔2026〕12号
    date: str = ""  # 成文日期, e.g. 2026年12月7日
    cc: str = ""  # 抄送机关

    @classmethod
    def of(cls, data: dict[str, Any] | Letterhead | None) -> Letterhead:
        """From a dict (JSON body, stored draft meta); unknown keys and blanks are ignored."""
        if isinstance(data, Letterhead):
            return data
        names = {f.name for f in fields(cls)}
        return cls(**{k: str(v).strip() for k, v in (data or {}).items() if k in names and v is not None})

    def merged(self, other: Letterhead | dict[str, Any] | None) -> Letterhead:
        """This letterhead with the non-empty fields of ``other`` written over it."""
        over = Letterhead.of(other)
        return Letterhead(**{k: getattr(over, k) or v for k, v in asdict(self).items()})

    def filled(self, placeholders: dict[str, Any]) -> Letterhead:
        """Empty fields replaced by the placeholders of ``drafting.yaml`` (``issuer``, ``date``…)."""
        return Letterhead(**{k: v or str(placeholders.get(k) or "") for k, v in asdict(self).items()})

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    def __bool__(self) -> bool:
        return any(asdict(self).values())


class LetterheadRow(Base):
    __tablename__ = "letterheads"

    user: Mapped[str] = mapped_column(String(64), primary_key=True)
    issuer: Mapped[str] = mapped_column(Text, default="")
    addressee: Mapped[str] = mapped_column(Text, default="")
    doc_number: Mapped[str] = mapped_column(Text, default="")
    date: Mapped[str] = mapped_column(String(64), default="")
    cc: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: datetime.now(UTC))


class LetterheadStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, user: str) -> Letterhead:
        """The user's saved letterhead (empty when none was saved)."""
        with Session(self.engine) as s:
            row = s.get(LetterheadRow, user)
            if row is None:
                return Letterhead()
            return Letterhead(issuer=row.issuer, addressee=row.addressee, doc_number=row.doc_number,
                              date=row.date, cc=row.cc)

    def save(self, user: str, letterhead: Letterhead) -> Letterhead:
        with Session(self.engine) as s, s.begin():
            row = s.get(LetterheadRow, user) or LetterheadRow(user=user)
            for key, value in letterhead.to_dict().items():
                setattr(row, key, value)
            row.updated_at = datetime.now(UTC)
            s.add(row)
        return letterhead

    def users(self) -> list[str]:
        with Session(self.engine) as s:
            return list(s.scalars(select(LetterheadRow.user).order_by(LetterheadRow.user)))
