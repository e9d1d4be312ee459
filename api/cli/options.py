"""Option help shared by several commands, built without importing the checker's rules."""

from __future__ import annotations


def profile_help(note: str = "") -> str:
    """Help for ``--profile``: the bundled profiles by name (read from the profiles folder)."""
    from assistant.checker.profiles import available_profiles

    return f"审核口径（{'/'.join(available_profiles())} 或 YAML 路径{note}）"
