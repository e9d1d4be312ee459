"""The ``ziping`` command line. Each command lives in its own module and registers itself here.

Commands print Chinese for reviewers and take ``--json`` where a script may read the output.
Developer commands (``synth``, ``eval``, ``bench``) import ``eval`` lazily, so the product never
depends on it. Every command module imports only typer and the standard library at start; what a
command needs (the checker, stores, readers, the answer engine) is imported when it runs, so
``ziping --help`` and ``ziping rules`` start in a fraction of a second (``python -m eval.bench_cli``).
"""

from __future__ import annotations

import typer

from api.cli import (
    ask,
    bureaus,
    check,
    cycle,
    db,
    demo,
    doctor,
    draft,
    extract,
    feedback,
    ingest,
    recheck,
    rescore,
    review,
    rules,
    serve,
    synth,
    users,
    worker,
)
from api.cli.usage import ZipingGroup

app = typer.Typer(
    name="ziping",
    help="ziping 自评审核助手 — 预算绩效自评材料的读取、预审、问答与审核意见起草。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    cls=ZipingGroup,  # usage errors in Chinese
)

ingest.register(app)
extract.register(app)
check.register(app)
recheck.register(app)
rescore.register(app)
rules.register(app)
draft.register(app)
review.register(app)
ask.register(app)
feedback.register(app)
serve.register(app)
demo.register(app)
users.register(app)
bureaus.register(app)
review.register(app)
db.register(app)
worker.register(app)
doctor.register(app)
synth.register(app)
cycle.register(app)


def main() -> None:
    app()
