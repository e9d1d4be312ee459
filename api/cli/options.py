"""Option help shared by several commands, built without importing the checker.

Typer evaluates every command's annotations to build the command line, so whatever an option's
help imports is paid by every command, ``--help`` included: the profile names are read from the
profiles folder directly rather than through :mod:`assistant.checker.profiles` (whose package
loads the model, YAML and the rule registry).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

AUTO = "auto"  # the same word as assistant.checker.profiles.AUTO (a test keeps them equal)


def profile_names() -> list[str]:
    """``auto`` and the bundled profiles (``assistant/checker/profiles/*.yaml``), as
    :func:`assistant.checker.profiles.available_profiles` lists them."""
    spec = importlib.util.find_spec("assistant")
    folder = Path(next(iter(spec.submodule_search_locations))) / "checker" / "profiles"
    return [AUTO, *sorted(p.stem for p in folder.glob("*.yaml"))]


def profile_help(note: str = "") -> str:
    """Help for ``--profile``: the bundled profiles by name, in runs of three ("a/b/c/ d/e/f") so
    the help page wraps between runs, never inside a name."""
    names = profile_names()
    runs = [names[i:i + 3] for i in range(0, len(names), 3)]
    if len(runs) > 1 and len(runs[-1]) == 1:
        runs[-2:] = [runs[-2] + runs[-1]]
    return f"审核口径（{'/ '.join('/'.join(run) for run in runs)} 或 YAML 路径{note}）"
