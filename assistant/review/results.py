"""The results list (结果应用): projects by 复核 grade band, for budget arrangement.

The annual report says the bureau reviews and scores the projects "作为预算安排的依据": this
workbook lists every form by its review grade (优, 良, 中, 差, then the ones not yet scored, so
none is silently missing), with its money, the self-score beside the review score and the gap, and
a summary of the bands (forms and 全年预算数).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.checker.export import fill_sheet
from assistant.numbers import GRADE_BANDS

if TYPE_CHECKING:
    from assistant.stores.scores import ScoreLine

UNSCORED = "未复核"
BANDS: tuple[str, ...] = (*(name for name, *_ in GRADE_BANDS), UNSCORED)
BAND_LABELS: dict[str, str] = {**{name: f"{name}（{label}）" for name, _low, _high, label in GRADE_BANDS},
                               UNSCORED: "未复核（尚未复核打分，自评得分仅供参考）"}

LINE_COLUMNS = (("复核等级", 10), ("项目", 30), ("预算单位", 24), ("主管部门", 24), ("年度", 8),
                ("全年预算数（万元）", 16), ("执行数（万元）", 14), ("预算执行率（%）", 14), ("自评得分", 10),
                ("自评等级", 10), ("复核得分", 10), ("差值", 8), ("调整项数", 10), ("限定说明", 48),
                ("复核人", 12), ("复核时间", 18), ("审核口径", 14), ("文件", 28), ("材料编号", 18))
SUMMARY_COLUMNS = (("复核等级", 40), ("自评表数", 10), ("全年预算数合计（万元）", 22))


def band_of(line: ScoreLine) -> str:
    return (line.form.score.grade or UNSCORED) if line.form.scored else UNSCORED


def ordered(lines: Sequence[ScoreLine]) -> list[ScoreLine]:
    """By band (优 first, 未复核 last), then by review total, highest first."""
    return sorted(lines, key=lambda ln: (BANDS.index(band_of(ln)), -(ln.form.score.total or 0.0), ln.form.project))


def results_xlsx(lines: Sequence[ScoreLine]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "按复核等级"
    rows = []
    for ln in ordered(lines):
        s, f = ln.form.score, ln.form
        rows.append([band_of(ln), f.project, ln.unit or "", ln.department or "", ln.year, ln.budget, ln.exec_amount,
                     s.exec_rate, s.self_total, s.self_grade or "", s.total if f.scored else None,
                     s.gap if f.scored else None, len(s.adjustments), s.cap.text if s.cap and f.scored else "",
                     f.scored_by or "", f.scored_at.strftime("%Y-%m-%d %H:%M") if f.scored_at else "", s.profile,
                     ln.file_name or "", f.submission_id])
    summary = []
    for band in BANDS:
        having = [ln for ln in lines if band_of(ln) == band]
        money = [ln.budget for ln in having if ln.budget is not None]
        summary.append([BAND_LABELS[band], len(having), round(sum(money), 2) if money else None])
    fill_sheet(ws, LINE_COLUMNS, rows)
    fill_sheet(wb.create_sheet("汇总"), SUMMARY_COLUMNS, summary)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
