"""Row segments: a table row read the way a person reads it, one entry per visible box.

Readers resolve merges by copying the origin's text into every covered cell. To read a row as
"label | value | label | value" the recogniser needs the boxes back: consecutive cells of one
horizontal merge become one :class:`Segment`; a cell copied down from the row above (a vertical
merge, e.g. 项目资金（万元） spanning the fund rows) is kept but marked ``from_above`` so it is
never mistaken for a value of this row.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.document import Table


@dataclass(frozen=True)
class Segment:
    start: int  # first column
    end: int  # last column (inclusive)
    text: str
    from_above: bool  # a copy of the cell above (vertical merge), not this row's own content

    def covers(self, col: int) -> bool:
        return self.start <= col <= self.end


def row_segments(table: Table, row: int) -> list[Segment]:
    cells = table.rows[row]
    segments: list[Segment] = []
    for cell in cells:
        text = cell.text.strip()
        previous = segments[-1] if segments else None
        # A merged copy with the same text as its left neighbour continues a horizontal merge.
        if previous is not None and cell.merged and text == previous.text:
            segments[-1] = Segment(previous.start, cell.col, previous.text, previous.from_above)
            continue
        from_above = cell.merged and row > 0 and cell.col < len(table.rows[row - 1]) \
            and table.rows[row - 1][cell.col].text.strip() == text
        segments.append(Segment(cell.col, cell.col, text, from_above))
    return segments


def own_segments(table: Table, row: int) -> list[Segment]:
    """The row's own boxes: neither empty nor copied from the row above."""
    return [s for s in row_segments(table, row) if s.text and not s.from_above]


def segment_at(segments: list[Segment], col: int) -> Segment | None:
    return next((s for s in segments if s.covers(col)), None)
