"""``ziping ask "问题"``: answer a question over the stored submissions, with citations and rows."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.output import table_text

if TYPE_CHECKING:
    from assistant.answer import Answer

_SKIP = {"submission_id", "file", "evaluation", "indicator_idx", "finding_id", "target_raw", "actual_raw"}


def _cell(name: str, value: object) -> str:
    from assistant.answer.words import fmt_num

    if value is None:
        return "—"
    if name == "met":
        return "达标" if value else "未达标"
    return fmt_num(value) if isinstance(value, (int, float)) else str(value)


def _rows_table(answer: Answer) -> str:
    from assistant.answer.schema import field_label

    rows = answer.rows
    names = [k for k in rows[0] if k not in _SKIP]
    if "target_raw" in rows[0]:
        names += ["target_raw", "actual_raw"]
    labels = {"target_raw": "年度指标值", "actual_raw": "实际完成值"}
    header = ["序号", *[labels.get(n, field_label(n)) for n in names], "提交材料编号"]
    body = [[i, *[_cell(n, r.get(n)) for n in names], r.get("submission_id")] for i, r in enumerate(rows, start=1)]
    return table_text(header, body, max_width=40)


def ask(
    question: Annotated[str, typer.Argument(help="问题，例如：哪些单位预算执行率低于80%？")],
    year: Annotated[int | None, typer.Option(help="只看该年度 / restrict to a year")] = None,
    unit: Annotated[str | None, typer.Option(help="只看该单位 / restrict to a unit")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出 / print JSON")] = False,
    k: Annotated[int, typer.Option("--k", help="检索的片段数 / chunks to retrieve")] = 8,
    conversation: Annotated[str | None, typer.Option(help="会话编号，用于追问 / conversation id for follow-ups")] = None,
) -> None:
    """回答关于已入库材料的问题（附引用） / answer a question with citations."""
    from assistant.answer import Answer, ask_stream
    from assistant.settings import get_settings
    from assistant.stores import open_stores

    settings = get_settings()
    stores = open_stores(settings)
    answer: Answer | None = None
    try:
        for item in ask_stream(question, stores, settings=settings, year=year, unit=unit, k=k,
                               conversation_id=conversation):
            if isinstance(item, Answer):
                answer = item
            elif not as_json:
                typer.echo(item, nl=not item.endswith(("。", "！", "？")) or "\n" in item)
    finally:
        stores.close()
    assert answer is not None
    if as_json:
        typer.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    typer.echo("")
    if answer.query_in_words:
        typer.echo(f"\n查询：{answer.query_in_words}")
    if answer.rows:
        typer.echo("\n" + _rows_table(answer))
    if answer.citations:
        typer.echo("\n引用：")
        for c in answer.citations:
            typer.echo(f"[{c.n}] {c.describe()}（{c.submission_id}）\n    {c.snippet}")
    if answer.options:
        typer.echo("\n可选的问法：")
        for i, o in enumerate(answer.options, start=1):
            typer.echo(f"{i}. {o.label}：ziping ask \"{o.question}\" --conversation {answer.conversation_id}")
    for flag in answer.flags:
        typer.echo(f"提示：{flag}")
    typer.echo(f"\n会话：{answer.conversation_id}（追问请加 --conversation {answer.conversation_id}；"
               f"评价本条回答：ziping feedback rate {answer.conversation_id} {(answer.turn or 0) + 1} --up/--down）")


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)
