"""Shared helpers of the rules, one module per concern, so a rule stays a few lines long:

* :mod:`~assistant.checker.helpers.text` — normalising cell and sentence text, blanks and
  placeholders, word finding, similarity, and how a cell or number is shown in a message;
* :mod:`~assistant.checker.helpers.indicators` — an indicator row's kind and its values' kind;
* :mod:`~assistant.checker.helpers.scores` — scores against points, 10号 N7 achievement bands;
* :mod:`~assistant.checker.helpers.compare` — target vs actual (10号 N6, G5) and expected scores;
* :mod:`~assistant.checker.helpers.narrative` — sentences about the evaluation, the indicators
  they name, "not done"/"all done" words and quantities in free text;
* :mod:`~assistant.checker.helpers.funds` — total and source rows, the execution rate;
* :mod:`~assistant.checker.helpers.totals` — the total against the filled and blank 得分, the
  highest total the visible scores allow;
* :mod:`~assistant.checker.helpers.dept` — 部门整体 ratio rows (DEPT-CALC-*, DEPT-OUT-001);
* :mod:`~assistant.checker.helpers.cache` — the caches of the pure text functions above.

Numbers are written and money converted by :mod:`assistant.numbers`. Nothing here knows a rule
code except :func:`~assistant.checker.helpers.dept.dept_findings`, which reads its scoring
scheme from the profile by code.
"""

from assistant.checker.helpers.cache import clear_caches

__all__ = ["clear_caches"]
