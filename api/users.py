"""API users as the faces see them: the store (:mod:`assistant.stores.users`) and the role names shown.

``ziping user add NAME --role reviewer|admin`` prints a token once; only its SHA-256 is stored.
"""

from __future__ import annotations

from assistant.stores.users import (
    ROLES,
    TOKEN_PREFIX,
    Role,
    User,
    UserError,
    UserStore,
    hash_token,
    new_token,
    users_table,
)

__all__ = ["ROLES", "ROLE_TERMS", "TOKEN_PREFIX", "Role", "User", "UserError", "UserStore", "hash_token",
           "new_token", "users_table"]

ROLE_TERMS: dict[str, str] = {"reviewer": "审核人员", "admin": "管理员"}
