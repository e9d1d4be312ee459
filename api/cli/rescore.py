"""``ziping rescore show|set|unset|export``: 复核打分 from the command line (issue 15 item 8).

A top-level group: the ``ziping review`` group is another engineer's and not in this branch yet;
the lead may move these under ``ziping review score`` at merge. ``show`` prints each form's
self-score beside the review score (``--json`` for scripts); ``set`` gives one item a review score
with its reason (the other adjustments of the form are kept); ``unset`` takes one back; ``export``
writes the results list by 复核 grade band (结果应用) as .xlsx. The work is
:class:`assistant.stores.scores.ScoreStore`; this module only parses options and prints.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from api.cli.output import table_text

if TYPE_CHECKING:
    from assistant.stores.scores import FormScore, ScoreStore

rescore_app = typer.Typer(help="复核打分：调整指标得分、查看复核得分、按复核等级导出 / review scores",
                          no_args_is_help=True, rich_markup_mode=None)

ItemArg = Annotated[str, typer.Argument(help="第几项指标，如 3（第3项）；预算执行率一项写“执行率”")]


def _item(text: str) -> str:
    """The item as the scores store names it: ``indicators[N]`` (0-based) or ``funds``. A reviewer may
    type the row number they see (3 → indicators[2]) or 执行率; the stored names are accepted as they are."""
    text = text.strip()
    if text in ("执行率", "预算执行率", "funds"):
        return "funds"
    if text.isdigit() and int(text) >= 1:
        return f"indicators[{int(text) - 1}]"
    return text
FormOpt = Annotated[int, typer.Option("--form", help="第几张自评表（从 0 起） / evaluation index")]


def _store() -> ScoreStore:
    from assistant.settings import get_settings
    from assistant.stores.records import RecordStore
    from assistant.stores.scores import ScoreStore

    settings = get_settings()
    return ScoreStore(RecordStore(settings.sqlalchemy_url), settings.profile)


def _fail(err: Exception) -> None:
    typer.echo(f"错误：{err}", err=True)
    sys.exit(2)


def _form_dict(form: FormScore) -> dict[str, Any]:
    s = form.score
    return {"submission_id": form.submission_id, "evaluation_idx": form.evaluation_idx, "project": form.project,
            "version": form.version, "scored": form.scored, "scored_by": form.scored_by, "profile_title": s.profile_title,
            "scored_at": form.scored_at.isoformat() if form.scored_at else None, "profile": s.profile,
            "exec_rate": s.exec_rate, "self_total": s.self_total, "self_grade": s.self_grade,
            "uncapped": s.uncapped, "total": s.total, "grade": s.grade, "gap": s.gap,
            "cap": s.cap.text if s.cap else None,
            "items": [{"item": i.item, "name": i.name, "weight": i.weight, "self_score": i.self_score,
                       "review_score": i.review_score, "reason": i.reason} for i in s.items]}


def _print(form: FormScore) -> None:
    from assistant.numbers import rounded

    s = form.score
    state = f"已复核（{form.scored_by}，版本 {form.version}）" if form.scored else "尚未复核打分"
    typer.echo(f"第{form.evaluation_idx}张 {form.project}：{state}，审核口径 {s.profile_title or s.profile}")
    typer.echo(f"  自评得分 {rounded(s.self_total)}（{s.self_grade or '—'}）　复核得分 {rounded(s.total)}"
               f"（{s.grade or '—'}）　差值 {rounded(s.gap)}")
    if s.cap:
        typer.echo(f"  {s.cap.text}")
    rows = [(i.item, i.name, rounded(i.weight), rounded(i.self_score), rounded(i.review_score), i.reason or "")
            for i in s.items if i.adjusted]
    if rows:
        typer.echo(table_text(("项", "名称", "分值", "自评", "复核", "理由"), rows))


@rescore_app.command("show")
def show(sid: Annotated[str, typer.Argument(help="材料编号 / submission id")],
         as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False) -> None:
    """查看自评得分与复核得分 / show self and review scores."""
    from assistant.review.errors import ReviewError

    try:
        forms = _store().form_scores(sid)
    except ReviewError as err:
        _fail(err)
    if as_json:
        typer.echo(json.dumps([_form_dict(f) for f in forms], ensure_ascii=False, indent=2))
        return
    for form in forms:
        _print(form)
    if not forms:
        typer.echo("该材料没有识别出自评表，无可复核打分的项目。")


def _change(sid: str, form_idx: int, item: str, score: float | None, reason: str | None, as_json: bool) -> None:
    item = _item(item)
    from api.cli.jobs import cli_owner
    from assistant.review.errors import ReviewError
    from assistant.review.scores import Adjustment
    from assistant.stores.scores import ScoreRequest

    store = _store()
    try:
        forms = store.form_scores(sid)
        if not 0 <= form_idx < len(forms):
            _fail(f"该材料没有第{form_idx}张自评表（共{len(forms)}张，从 0 起）")
        form = forms[form_idx]
        kept = [Adjustment(i.item, i.review_score or 0.0, i.reason or "") for i in form.score.items
                if i.adjusted and i.item != item]
        if score is None and len(kept) == len(form.score.adjustments):
            _fail(f"“{item}”没有复核调整，无需撤回")
        asked = kept if score is None else [*kept, Adjustment(item, score, reason or "")]
        done = store.save(ScoreRequest(sid, form_idx, tuple(asked), actor=cli_owner(), expected_version=form.version))
    except ReviewError as err:
        _fail(err)
    if as_json:
        typer.echo(json.dumps(_form_dict(done), ensure_ascii=False, indent=2))
    else:
        _print(done)


@rescore_app.command("set")
def set_score(sid: Annotated[str, typer.Argument(help="材料编号 / submission id")], item: ItemArg,
              score: Annotated[float, typer.Argument(help="复核得分（不超过该项分值）")],
              reason: Annotated[str, typer.Option("--reason", "-r", help="调整理由（必填）")] = "",
              form: FormOpt = 0,
              as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False) -> None:
    """给一项打复核分（须说明理由） / give one item a review score."""
    _change(sid, form, item, score, reason, as_json)


@rescore_app.command("unset")
def unset_score(sid: Annotated[str, typer.Argument(help="材料编号 / submission id")], item: ItemArg,
                form: FormOpt = 0,
                as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False) -> None:
    """撤回一项复核调整，恢复自评得分 / take an adjustment back."""
    _change(sid, form, item, None, None, as_json)


@rescore_app.command("export")
def export(out: Annotated[Path, typer.Option("--out", "-o", help="输出 .xlsx 文件")] = Path("复核结果.xlsx"),
           year: Annotated[int | None, typer.Option(help="年度")] = None,
           department: Annotated[str | None, typer.Option(help="主管部门（精确匹配）")] = None,
           unit: Annotated[str | None, typer.Option(help="预算单位（精确匹配）")] = None) -> None:
    """按复核等级列出项目，供预算安排参考（结果应用） / projects by review grade band, as .xlsx."""
    from assistant.review.results import BAND_LABELS, BANDS, band_of, results_xlsx

    lines = _store().listing(year=year, department=department, unit=unit)
    out.write_bytes(results_xlsx(lines))
    counts = "，".join(f"{BAND_LABELS[b].split('（')[0]} {sum(1 for ln in lines if band_of(ln) == b)}" for b in BANDS)
    typer.echo(f"已导出 {len(lines)} 张自评表到 {out}（{counts}）")


def register(app: typer.Typer) -> None:
    app.add_typer(rescore_app, name="rescore")
