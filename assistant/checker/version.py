"""Which rules made a set of findings: a short fingerprint stored with them.

Stored findings go stale when a release changes a rule or when someone edits a profile (a
province's YAML). The fingerprint hashes everything that decides findings — the checker's code,
the bundled profiles, the value parser it reads numbers with and, when the profile is a path,
that file — so ``ziping recheck`` can find exactly the submissions checked by other rules.
Hashing the whole checker is deliberately coarse: a recheck is cheap (hundreds per second),
a missed change is not.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from assistant.checker.profiles import AUTO, cached_profile, load_profile

_CHECKER = Path(__file__).parent
_INPUTS = (_CHECKER, _CHECKER.parent / "values.py")


@lru_cache(maxsize=1)
def _code_digest() -> str:
    digest = hashlib.sha256()
    files = sorted(p for root in _INPUTS for p in ([root] if root.is_file() else root.rglob("*"))
                   if p.suffix in (".py", ".yaml"))
    for path in files:
        digest.update(path.relative_to(_CHECKER.parent).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def rules_version(profile: str | Path = AUTO) -> str:
    """``<profile>:<pack version>@<16 hex>`` for checking with ``profile`` (a bundled name or a
    path), so a stored check names the pack version it used; ``auto@<16 hex>`` for ``auto`` (each
    submission's pack follows its layout; the re-check reports the pack and version applied)."""
    digest = hashlib.sha256(_code_digest().encode())
    path = Path(profile)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        digest.update(path.read_bytes())
        name = path.stem
    else:
        name = str(profile)
    version = "" if name == AUTO else _version_of(str(profile), fresh=path.is_file())
    return f"{name}{':' + version if version else ''}@{digest.hexdigest()[:16]}"


def _version_of(profile: str, fresh: bool) -> str:
    """The pack's version; a bureau's own file is read again (it may have been edited since)."""
    try:
        return (load_profile(profile) if fresh else cached_profile(profile)).version
    except (FileNotFoundError, ValueError):
        return ""  # a broken pack is reported where it is loaded to check, not in its stamp
