"""API users and their bearer tokens, in the ``users`` table of the records database.

A token is ``zp_`` + 32 random bytes (URL-safe base64); only its SHA-256 is stored, so a copy of
the database does not give anyone access. ``ziping user add NAME --role reviewer|admin`` prints
the token once; ``ziping user revoke NAME`` clears the hash (the row stays for the record);
adding a revoked name again issues a new token. A user belongs to a bureau (``--bureau``; the
default bureau when omitted): a reviewer sees that bureau's data only, an admin every bureau's
(:mod:`assistant.stores.bureaus`).

The table is on the records metadata (:class:`assistant.stores.records.Base`), so the migrations
create and change it with the others; :class:`UserStore` works on the records store's engine.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import Column, DateTime, Integer, String, Table, func, insert, select, update
from sqlalchemy.engine import Engine

from assistant.stores.bureaus import BureauError, BureauStore
from assistant.stores.records import DEFAULT_BUREAU, Base

Role = Literal["reviewer", "admin"]
ROLES: tuple[str, ...] = ("reviewer", "admin")
TOKEN_PREFIX = "zp_"

users_table = Table(
    "users",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("token_hash", String(64), unique=True),  # NULL once revoked
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("bureau", String(32), nullable=False, default=DEFAULT_BUREAU, server_default=DEFAULT_BUREAU, index=True),
)


@dataclass(frozen=True)
class User:
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None = None
    bureau: str = DEFAULT_BUREAU

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def sees_bureau(self) -> str | None:
        """The bureau whose data this user reads: their own for a reviewer; None — every bureau —
        for an admin, who runs the installation (users, bureaus, deletions) for all of them."""
        return None if self.is_admin else self.bureau


class UserError(ValueError):
    """A user command that cannot be done (bad name or role, name taken, unknown user or bureau)."""


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _user(row) -> User:
    return User(name=row.name, role=row.role, created_at=row.created_at, revoked_at=row.revoked_at,
                bureau=row.bureau or DEFAULT_BUREAU)


class UserStore:
    """Users on the records store's engine (whose migrations made the table)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, name: str, role: str, bureau: str = DEFAULT_BUREAU) -> tuple[User, str]:
        """Create a user (or re-activate a revoked one) in ``bureau`` and return it with its new token."""
        name = (name or "").strip()
        if not name or len(name) > 64 or any(ch.isspace() for ch in name):
            raise UserError("用户名须为 1–64 个字符且不含空白 / the name must be 1–64 characters without spaces")
        if role not in ROLES:
            raise UserError(f"角色须为 reviewer 或 admin / role must be reviewer or admin: {role!r}")
        try:
            BureauStore(self.engine).require(bureau)
        except BureauError as err:
            raise UserError(str(err)) from err
        token = new_token()
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            row = conn.execute(select(users_table).where(users_table.c.name == name)).first()
            if row is not None and row.revoked_at is None:
                raise UserError(f"用户已存在 / user already exists: {name}（如需新令牌，请先 revoke）")
            values = {"role": role, "token_hash": hash_token(token), "created_at": now, "revoked_at": None,
                      "bureau": bureau}
            if row is None:
                conn.execute(insert(users_table).values(name=name, **values))
            else:
                conn.execute(update(users_table).where(users_table.c.name == name).values(**values))
        return User(name=name, role=role, created_at=now, bureau=bureau), token

    def list(self) -> list[User]:
        with self.engine.connect() as conn:
            return [_user(r) for r in conn.execute(select(users_table).order_by(users_table.c.name))]

    def get(self, name: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users_table).where(users_table.c.name == name)).first()
        return _user(row) if row is not None else None

    def revoke(self, name: str) -> bool:
        """Revoke a user's token; False when there is no active user of that name."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(users_table)
                .where(users_table.c.name == name, users_table.c.revoked_at.is_(None))
                .values(token_hash=None, revoked_at=datetime.now(UTC)))
            return bool(result.rowcount)

    def authenticate(self, token: str | None) -> User | None:
        """The active user holding ``token``, or None."""
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(users_table).where(users_table.c.token_hash == hash_token(token),
                                                         users_table.c.revoked_at.is_(None))).first()
        return _user(row) if row is not None else None

    def active_count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(users_table)
                                .where(users_table.c.revoked_at.is_(None))).scalar() or 0
