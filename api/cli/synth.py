"""``ziping synth``: write a synthetic corpus with ground-truth labels (developer command)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from api.cli.progress import ProgressBar


def corpus_generator():
    """The synthetic corpus generator of ``eval/``, or a clear message when its optional libraries
    (the ``eval`` extra: reportlab for the PDFs) are not installed — a product install may lack them."""
    try:
        from eval.synth import generate_corpus  # developer-only dependency, loaded lazily
    except ImportError as e:
        typer.echo(f"错误 / error: 生成合成材料需要可选依赖 ziping[eval]（缺少 {e.name}），请运行 "
                   f"pip install 'ziping[eval]' / the generator needs the eval extra", err=True)
        raise typer.Exit(2) from e
    return generate_corpus


def synth(
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录 / output folder")] = Path("data/corpus"),
    n: Annotated[int, typer.Option("--n", min=1, help="文件数 / number of files")] = 60,
    seed: Annotated[int, typer.Option("--seed", help="随机种子 / random seed (same seed, same corpus)")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出摘要 / print the summary as JSON")] = False,
) -> None:
    """生成带标注的合成自评材料 / generate a synthetic labelled corpus."""
    generate_corpus = corpus_generator()
    with ProgressBar(total=n, label="生成合成材料", enabled=not as_json) as bar:
        summary = generate_corpus(out, n=n, seed=seed, progress=bar.update)
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(summary.describe())


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)
