"""``ziping review …``: the review season from the command line (issue 15). Each part registers its
commands on this group from its own module (:mod:`api.cli.review_correct`: corrections, confirming
an uncertain read, versions and diff)."""

from __future__ import annotations

import typer

from api.cli import review_correct

review_app = typer.Typer(help="审核：更正识别值、确认识别结果、重报版本比较 / the review season",
                         no_args_is_help=True, rich_markup_mode=None)
review_correct.register_commands(review_app)


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
