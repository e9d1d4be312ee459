"""Match header cells of a self-evaluation form to canonical keys, using ``labels.yaml``.

Real tables spell one field many ways (全年预算数 / 调整后预算数 / 预算数(A)), with full-width
brackets, stray spaces and notes such as （万元） or （20分*执行率）. Matching therefore runs on a
normalised form of the text and tries the whole text first, then the text without its bracket
notes, so that ``执行率（B/A）`` and ``产出指标(50分)`` both find their key.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

LABELS_FILE = Path(__file__).with_name("labels.yaml")

_BRACKETS = re.compile(r"[(（\[【][^()（）\[\]【】]*[)）\]】]")
_SPACE = re.compile(r"\s+")
_POINTS = re.compile(r"(\d+(?:\.\d+)?)\s*分")


def normalise_label(text: str) -> str:
    """Full-width → half-width, no whitespace, ``：`` kept as ``:``; used for label lookups only."""
    text = unicodedata.normalize("NFKC", text or "")
    return _SPACE.sub("", text).strip(":")


def strip_notes(text: str) -> str:
    """``执行率(B/A)`` → ``执行率``; ``项目资金(万元)`` → ``项目资金``."""
    previous = None
    while previous != text:
        previous, text = text, _BRACKETS.sub("", text)
    return text


def points_in(text: str) -> float | None:
    """The weight written in a block title: ``产出指标(50分)`` → 50, ``绩效指标（90分）`` → 90."""
    match = _POINTS.search(unicodedata.normalize("NFKC", text or ""))
    return float(match.group(1)) if match else None


@dataclass(frozen=True)
class LabelTable:
    """The synonym lists of ``labels.yaml``: ``groups[group][key]`` → normalised labels."""

    groups: dict[str, dict[str, tuple[str, ...]]]
    signatures: tuple[str, ...]

    def match(self, group: str, text: str) -> str | None:
        """The canonical key of ``text`` within ``group`` (e.g. ``fund_columns``), or None."""
        norm = normalise_label(text)
        if not norm:
            return None
        keys = self.groups[group]
        for candidate in (norm, strip_notes(norm)):
            hits = [(len(label), key) for key, labels in keys.items() for label in labels if label == candidate]
            if hits:
                return max(hits)[1]
        return None

    def match_prefix(self, group: str, text: str) -> str | None:
        """Like :meth:`match` but also accepts a label followed by more text (``其中：当年财政拨款``)."""
        found = self.match(group, text)
        if found:
            return found
        norm = strip_notes(normalise_label(text))
        hits = [(len(label), key) for key, labels in self.groups[group].items() for label in labels
                if norm.startswith(label) or norm.endswith(label)]
        return max(hits)[1] if hits else None

    def layout_of(self, header_texts: list[str]) -> str | None:
        """The layout (``layouts`` group: sichuan, municipal) whose own header labels a row uses, if any."""
        norm = {normalise_label(t) for t in header_texts}
        return next((layout for layout, markers in self.groups["layouts"].items() if norm & set(markers)), None)

    def is_signature(self, text: str) -> bool:
        norm = strip_notes(normalise_label(text))
        return any(norm.startswith(s) for s in self.signatures)


@lru_cache(maxsize=1)
def labels() -> LabelTable:
    raw = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    signatures = tuple(normalise_label(s) for s in raw.pop("signatures"))
    groups = {
        group: {key: tuple(sorted({normalise_label(v) for v in values})) for key, values in entries.items()}
        for group, entries in raw.items()
    }
    return LabelTable(groups=groups, signatures=signatures)
