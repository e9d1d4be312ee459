"""``ziping synth``: write a synthetic corpus with ground-truth labels (developer command)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from api.cli.progress import ProgressBar


def synth(
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录 / output folder")] = Path("data/corpus"),
    n: Annotated[int, typer.Option("--n", min=1, help="文件数 / number of files")] = 60,
    seed: Annotated[int, typer.Option("--seed", help="随机种子 / random seed (same seed, same corpus)")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出摘要 / print the summary as JSON")] = False,
) -> None:
    """生成带标注的合成自评材料 / generate a synthetic labelled corpus."""
    from eval.synth import generate_corpus  # developer-only dependency, loaded lazily

    with ProgressBar(total=n, label="生成合成材料", enabled=not as_json) as bar:
        summary = generate_corpus(out, n=n, seed=seed, progress=bar.update)
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(summary.describe())


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)
