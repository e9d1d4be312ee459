"""Which cell became which field: the data behind ``ziping extract --debug``.

Every recognised field keeps its :class:`Location` (with its field path) in a ``cells`` map.
:func:`field_sources` lists them in document order with the value that was read, so a
developer can see at a glance where a wrong number came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant.model import Location, Submission, to_dict

_TOKEN = re.compile(r"\.?([A-Za-z_一-鿿]+)|\[(\d+)\]")


@dataclass
class FieldSource:
    path: str
    location: Location
    value: str


def resolve(data: Any, path: str) -> Any:
    """``resolve(sub_dict, "evaluations[0].indicators[2].score")`` → the value at that path."""
    for name, index in _TOKEN.findall(path):
        if data is None:
            return None
        data = data.get(name) if name else (data[int(index)] if int(index) < len(data) else None)
    return data


def field_sources(sub: Submission) -> list[FieldSource]:
    data = to_dict(sub)
    out: list[FieldSource] = []
    for ev in sub.evaluations:
        maps = [ev.cells, ev.funds.cells, *(r.cells for r in ev.funds.rows), *(i.cells for i in ev.indicators)]
        for cells in maps:
            for loc in cells.values():
                if loc.field:
                    out.append(FieldSource(loc.field, loc, _show(resolve(data, loc.field))))
    out.sort(key=lambda f: (f.location.table or 0, f.location.row or 0, f.location.col or 0))
    return out


def _show(value: Any) -> str:
    if isinstance(value, dict) and "raw" in value:
        return value["raw"]
    return "" if value is None else str(value)
