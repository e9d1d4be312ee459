"""The drafting library: themes, measures, configuration and templates from ``prompts/drafting/``.

All wording lives in files a reviewer can read and change without touching code:

=====================  ====================================================================
``themes.yaml``        problem themes: which rules (wildcards) feed each, title, summary, measure
``measures.yaml``      the measure library and the standing measures
``drafting.yaml``      decision rules of the review conclusion, placeholders, thresholds
``review.j2``          Jinja2 macros, one per paragraph of a review comment
``annual.j2``          Jinja2 macros, one per paragraph of the annual section
``polish.j2``          the LLM polishing prompt (system ``===USER===`` user)
=====================  ====================================================================
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

import assistant

__all__ = ["Library", "Measure", "Theme", "load_library", "prompts_dir"]


def prompts_dir() -> Path:
    """``<repo>/prompts/drafting`` (next to the ``assistant`` package)."""
    return Path(assistant.__file__).resolve().parent.parent / "prompts" / "drafting"


@dataclass(frozen=True)
class Measure:
    id: str
    title: str
    text: str
    basis: str = ""


@dataclass(frozen=True)
class Theme:
    id: str
    short: str
    title: str
    review_heading: str
    rules: tuple[str, ...]
    summary: str
    measure: str
    basis: str = ""

    def matches(self, code: str) -> bool:
        return any(fnmatch.fnmatchcase(code, pattern) for pattern in self.rules)


@dataclass
class Library:
    themes: list[Theme]
    measures: dict[str, Measure]
    standing: list[str]
    config: dict[str, Any]
    directory: Path
    _env: Environment = field(repr=False, default=None)  # type: ignore[assignment]

    def theme_for(self, code: str) -> Theme | None:
        """The first theme (file order) whose rule patterns match ``code``."""
        return next((t for t in self.themes if t.matches(code)), None)

    def theme(self, theme_id: str) -> Theme:
        return next(t for t in self.themes if t.id == theme_id)

    def rules_of(self, theme: Theme, codes: set[str]) -> list[str]:
        """Of ``codes``, those that belong to ``theme`` (first match wins)."""
        return sorted(c for c in codes if self.theme_for(c) is theme)

    def macros(self, template: str) -> Any:
        """The macros of a template (``review.j2``), callable from Python."""
        return self._env.get_template(template).module

    def render(self, template: str, **values: Any) -> str:
        return self._env.get_template(template).render(**values)

    def review_config(self) -> dict[str, Any]:
        return dict(self.config.get("review") or {})

    def annual_config(self) -> dict[str, Any]:
        return dict(self.config.get("annual") or {})


def _read(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_library(directory: Path | str | None = None) -> Library:
    """Read the library (cached per directory)."""
    return _load(str(Path(directory) if directory else prompts_dir()))


@lru_cache(maxsize=8)
def _load(directory: str) -> Library:
    d = Path(directory)
    themes_doc, measures_doc = _read(d / "themes.yaml"), _read(d / "measures.yaml")
    themes = [Theme(id=t["id"], short=t.get("short") or t["title"], title=t["title"],
                    review_heading=t.get("review_heading") or t["title"], rules=tuple(t["rules"]),
                    summary=t.get("summary", ""), measure=t["measure"], basis=t.get("basis", ""))
              for t in themes_doc["themes"]]
    measures = {k: Measure(id=k, title=v["title"], text=v["text"], basis=v.get("basis", ""))
                for k, v in measures_doc["library"].items()}
    unknown = [t.measure for t in themes if t.measure not in measures]
    unknown += [m for m in measures_doc.get("standing", []) if m not in measures]
    if unknown:
        raise ValueError(f"措施库中没有：{', '.join(unknown)} / unknown measures")
    env = Environment(loader=FileSystemLoader(str(d)), undefined=StrictUndefined, autoescape=False,
                      keep_trailing_newline=False)
    return Library(themes=themes, measures=measures, standing=list(measures_doc.get("standing", [])),
                   config=_read(d / "drafting.yaml") or {}, directory=d, _env=env)
