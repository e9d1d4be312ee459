"""Synthetic corpus of budget performance self-evaluations with ground-truth labels.

``generate_corpus(out_dir, n, seed)`` writes ``n`` files — 项目支出绩效自评表 as .docx, .xlsx,
text PDF and scanned (image-only) PDF in the MOF, Sichuan and municipal layouts and the two form
families (the evaluation framework's table, labelled WEAK-FORM-001; a table without scores,
labelled MISSING-FORM-001), 自评报告 as
.docx and PDF, and 部门整体支出绩效自评表 — each with a ``.labels.json`` holding the expected
:class:`~assistant.model.Submission` and the planted rule defects. Same seed, same files and
labels, byte for byte. ``python -m eval.synth --n 60 --seed 1 --out DIR`` does the same from a
shell.

Modules, one job each: :mod:`.content` (sector vocabulary), :mod:`.build` (clean evaluations),
:mod:`.defects` (planting; its docstring is the table of planted rules and locations),
:mod:`.oracle` (the labelled rules, used to verify every label), :mod:`.cells` / :mod:`.expected`
(cell texts and the labels read back from them), :mod:`.layouts` (per-layout grids shared by the
renderers), :mod:`.render_docx` / :mod:`.render_xlsx` / :mod:`.render_pdf` / :mod:`.render_scan` /
:mod:`.render_report`, :mod:`.report` and :mod:`.dept` (the other two forms), :mod:`.corpus`.
"""

from eval.synth.corpus import CorpusSummary, generate_corpus

__all__ = ["CorpusSummary", "generate_corpus"]
