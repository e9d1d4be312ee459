"""How sure ziping is of what it read from a file (issue 15 item 3).

已识别 ``recognised``: read with confidence, checked and counted. 待核实 ``uncertain``: the reader
was unsure (unknown layout, low OCR confidence, totals that do not add up, indicator table not
found, pages missing: the reader sets ``status = needs_review`` with its reason); its findings are
shown as coming from an uncertain read and statistics leave it out until a reviewer confirms or
corrects it. 非自评材料 ``not_evaluation``: not a self-evaluation at all (junk, a declaration or
monitoring form, another document): kept and searchable, never checked or counted as a form.
"""

from __future__ import annotations

from typing import Literal

from assistant.model import Submission

Certainty = Literal["recognised", "uncertain", "not_evaluation"]
CERTAINTIES: tuple[str, ...] = ("recognised", "uncertain", "not_evaluation")
CERTAINTY_TERMS: dict[str, str] = {"recognised": "已识别", "uncertain": "待核实", "not_evaluation": "非自评材料"}


def certainty_of(sub: Submission, *, confirmed: bool = False) -> Certainty:
    """The read certainty of a stored submission; ``confirmed``: a reviewer has confirmed or
    corrected what was read, which makes an uncertain read a recognised one."""
    if sub.doc_type.code is not None and not sub.doc_type.checked:
        return "not_evaluation"
    if sub.status != "ok" and not confirmed:
        return "uncertain"
    return "recognised"
