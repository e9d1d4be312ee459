"""``ziping feedback rate|export|worst``: reviewers' 👍 / 👎 on answers, their export and the
report of the worst-rated answers (for the next evaluation round)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

feedback_app = typer.Typer(help="问答评价：评价回答、导出评价、列出评价最差的回答 / answer feedback",
                           no_args_is_help=True, rich_markup_mode=None)


class Format(StrEnum):
    csv = "csv"
    json = "json"


@feedback_app.command("rate")
def rate(
    conversation: Annotated[str, typer.Argument(help="对话编号 / conversation id")],
    turn: Annotated[int, typer.Argument(help="第几轮回答（从 1 起） / the answer's turn, from 1")],
    down: Annotated[bool, typer.Option("--down/--up", help="👎（须写理由）或 👍")] = False,
    reason: Annotated[str | None, typer.Option(help="理由 / why")] = None,
    user: Annotated[str | None, typer.Option(help="评价人 / who rates")] = None,
) -> None:
    """评价一条回答（👍 / 👎 加理由） / rate an answer."""
    from assistant.settings import get_settings
    from assistant.stores.feedback import FeedbackError, rate_answer
    from assistant.stores.records import RecordStore

    records = RecordStore(get_settings().sqlalchemy_url)
    try:
        stored = rate_answer(records, conversation, turn - 1, -1 if down else 1, reason, user)
    except FeedbackError as err:
        typer.echo(f"错误：{err}", err=True)
        sys.exit(2)
    typer.echo(f"已记录：对话 {stored.conversation_id} 第{stored.turn + 1}轮 {'👎' if stored.rating < 0 else '👍'}"
               + (f"（{stored.reason}）" if stored.reason else ""))


@feedback_app.command("export")
def export(
    fmt: Annotated[Format, typer.Option("--format", help="csv 或 json")] = Format.csv,
    out: Annotated[Path | None, typer.Option(help="写入文件（默认输出到屏幕） / write to a file")] = None,
) -> None:
    """导出全部评价 / export every rating."""
    from assistant.answer.feedback import feedback_csv, feedback_json
    from assistant.settings import get_settings
    from assistant.stores.feedback import list_feedback
    from assistant.stores.records import RecordStore

    items = list_feedback(RecordStore(get_settings().sqlalchemy_url))
    text = feedback_csv(items) if fmt == Format.csv else feedback_json(items)
    if out is None:
        typer.echo(text.lstrip("\ufeff"), nl=False)
        return
    out.write_text(text, encoding="utf-8")
    typer.echo(f"已导出 {len(items)} 条评价：{out}")


@feedback_app.command("worst")
def worst(n: Annotated[int, typer.Option("--n", "--worst", help="列出几条 / how many", min=1)] = 10) -> None:
    """列出评价最差的回答及理由 / the worst-rated answers with their reasons."""
    from assistant.answer.feedback import worst_lines
    from assistant.settings import get_settings
    from assistant.stores.feedback import worst_answers
    from assistant.stores.records import RecordStore

    for line in worst_lines(worst_answers(RecordStore(get_settings().sqlalchemy_url), n)):
        typer.echo(line)


def register(app: typer.Typer) -> None:
    app.add_typer(feedback_app, name="feedback")
