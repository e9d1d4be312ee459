"""The real regression set, read and checked: field accuracy per format, checker precision per rule.

Every transcribed published form (``eval/real/forms``) is written in each format a bureau sends —
xlsx, docx, text PDF, legacy .xls and .doc (LibreOffice, from the xlsx and docx), OFD (from the
docx's reading) and, with ``--ocr``, an image-only scan — read back exactly as ``ziping extract``
does, and compared field by field with what a reviewer reads off the form (the form file's
``expected``), by the evaluations' own comparator (:mod:`eval.compare`, no product code).

Then the checker runs on each form as read from its xlsx, and every finding (one per defect, as a
reviewer reads them) is matched against the defects the form file labels: a finding is right when
its rule (or the rule of a finding folded into it) is one the label names and it points at the
labelled place (the form row, or the funds block, goal, total …). Per rule: precision over its
findings, recall over the defects it is the first-named rule of. Every unmatched finding is listed
for a person to judge, with the findings per form. Labels were written by reading the forms, never
from the checker's output.

``python -m eval.real_eval`` prints the tables and writes the JSON report; ``make eval`` runs it.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.checker import check_submission, profile_for
from assistant.model import Finding, Location, Submission
from eval.compare import same, same_value
from eval.extraction import Tally
from eval.real.forms import Defect, Expected, FormFile, real_forms
from ingest.errors import IngestError
from ingest.extract import extract_file

CLEAN_FORMATS = ("xlsx", "docx", "pdf", "xls", "doc", "ofd")
# Degraded scans (:mod:`eval.degrade`): a red seal, 2.5° skew, 120 dpi, header on page one only.
DEGRADED_FORMATS = ("scan_seal", "scan_skew", "scan_lowdpi", "scan_split")
# A sheet fed sideways or upside down (``--rotated``): each costs up to two OCR passes a page.
ROTATED_FORMATS = ("scan_rot90", "scan_rot180")
ALL_FORMATS = (*CLEAN_FORMATS, "scan", *DEGRADED_FORMATS, *ROTATED_FORMATS)
_INDEX = re.compile(r"\[\d+\]")


# ---------------------------------------------------------------- writing the forms as files

def _write(ff: FormFile, fmt: str, out: Path, made: dict[str, Path]) -> Path:
    """The form as a ``fmt`` file in ``out``; legacy and OFD files are made from the xlsx/docx."""
    base = out / ff.id
    if fmt in ("xlsx", "docx", "pdf"):
        return getattr(ff.form, f"write_{fmt}")(base.with_suffix(f".{fmt}"))
    if fmt == "scan":
        return ff.form.write_scan(out / f"{ff.id}_scan.pdf")
    if fmt in DEGRADED_FORMATS or fmt in ROTATED_FORMATS:
        from eval.degrade import write_degraded

        return write_degraded(ff.form.grid(), fmt.removeprefix("scan_"), out / f"{ff.id}_{fmt}.pdf")
    if fmt in ("xls", "doc"):
        from ingest.readers.convert import shared_converter

        office = shared_converter()
        if fmt == "xls":
            return office.convert(made.get("xlsx") or _write(ff, "xlsx", out, made), base.with_suffix(".xls"))
        # docx → odt → doc, as tests/ingest/test_legacy.py makes them: LibreOffice writes the tables
        # of a document it loaded from docx into .doc without their rows (one paragraph in Word too)
        odt = office.convert(made.get("docx") or _write(ff, "docx", out, made), base.with_suffix(".odt"))
        return office.convert(odt, base.with_suffix(".doc"))
    if fmt == "ofd":
        # The OFD test writer lays out a read document as a GB/T 33190 package; the docx's reading
        # is the document a converter from Word would lay out.
        from ingest.readers import read_document
        from tests.ingest.ofd_writer import write_ofd

        docx = made.get("docx") or _write(ff, "docx", out, made)
        return write_ofd(read_document(docx), base.with_suffix(".ofd"))
    raise ValueError(fmt)


def available_formats(requested: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, str]]:
    """The requested formats this machine can make, and why the others are skipped."""
    skipped: dict[str, str] = {}
    if "xls" in requested or "doc" in requested:
        from ingest.readers.convert import soffice_path

        if soffice_path() is None:
            for fmt in ("xls", "doc"):
                skipped[fmt] = "未安装 LibreOffice（libreoffice-calc-nogui / libreoffice-writer-nogui）"
    if "ofd" in requested:
        try:
            import tests.ingest.ofd_writer  # noqa: F401
        except ImportError:
            skipped["ofd"] = "OFD 写出器（tests/ingest/ofd_writer.py）不可用"
    return tuple(f for f in requested if f not in skipped), skipped


# ---------------------------------------------------------------- field accuracy

def _total_row(funds: dict[str, Any]) -> dict[str, Any]:
    rows = funds.get("rows") or []
    return next((r for r in rows if r.get("category") == "total"), rows[0] if rows else {})


def compare_fields(exp: Expected, got: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    """(field, right?) for every field the form file labels, against ``Submission.to_dict()``."""
    evs = got.get("evaluations") or []
    ev = evs[0] if evs else {}
    yield "project_name", same(exp.project_name, ev.get("project_name"))
    yield "impl_unit", same(exp.impl_unit, ev.get("impl_unit"))
    yield "year", same(exp.year, ev.get("year") or got.get("year"))
    if exp.funds is not None:
        funds = ev.get("funds") or {}
        total = _total_row(funds)
        for key in ("budget_initial", "budget_full_year", "exec_amount"):
            yield f"funds.{key}", same(getattr(exp.funds, key), total.get(key))
        yield "funds.rate", same_value({"raw": exp.funds.rate}, funds.get("rate"))
        yield "funds.weight", same(exp.funds.weight, funds.get("weight"))
        yield "funds.score", same(exp.funds.score, funds.get("score"))
    yield "total_score", same(exp.total_score, ev.get("total_score"))
    yield "grade", same(exp.grade, ev.get("grade"))
    got_rows = ev.get("indicators") or []
    yield "indicators.count", len(got_rows) == len(exp.indicators)
    for i, ind in enumerate(exp.indicators):
        row = got_rows[i] if i < len(got_rows) else {}
        yield "indicators.name", same(ind.name, row.get("name"))
        yield "indicators.target", same_value({"raw": ind.target}, row.get("target"))
        yield "indicators.actual", same_value({"raw": ind.actual}, row.get("actual"))
        yield "indicators.weight", same(ind.weight, row.get("weight"))
        yield "indicators.score", same(ind.score, row.get("score"))




@dataclass
class FormatReport:
    fmt: str
    overall: Tally = field(default_factory=Tally)
    by_field: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_form: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    wrong: list[str] = field(default_factory=list)  # "form: field" of every wrong field
    failed: list[tuple[str, str]] = field(default_factory=list)
    # scans read but marked 待核实 (doubtful figures), with the reason: not counted as read
    needs_review: list[tuple[str, str]] = field(default_factory=list)
    # the fields of those held scans: kept out of ``overall`` (a scan waiting for a person is not
    # a reading anyone relies on yet) and counted as unread in ``as_unread``
    held: Tally = field(default_factory=Tally)
    # the held scans split by the transcribed labels (never by the product's output): doubted
    # rightly when some field is read wrong, needlessly when every field is read right
    doubted_rightly: list[str] = field(default_factory=list)
    doubted_needlessly: list[str] = field(default_factory=list)
    held_wrong: list[str] = field(default_factory=list)  # "form: field" read wrong in a held scan
    seconds: float = 0.0

    def add(self, form_id: str, name: str, ok: bool) -> None:
        for tally in (self.overall, self.by_field[name], self.by_form[form_id]):
            tally.add(ok)
        if not ok:
            self.wrong.append(f"{form_id}: {name}")

    def record(self, ff: FormFile, sub: Submission | None) -> None:
        """Grade one form's reading in this format. A scan marked 待核实 is not counted as read:
        its fields go to ``held``, not to the fields-right figure."""
        got = sub.to_dict() if sub is not None else {}
        held = sub is not None and sub.status == "needs_review" and self.fmt.startswith("scan")
        if held:
            self.needs_review.append((ff.id, sub.status_reason or ""))
        all_right = True
        for name, ok in compare_fields(ff.expected, got):
            all_right &= ok
            if held:
                self.held.add(ok)
                if not ok:
                    self.held_wrong.append(f"{ff.id}: {name}")
            else:
                self.add(ff.id, name, ok)
        if held:
            (self.doubted_needlessly if all_right else self.doubted_rightly).append(ff.id)

    @property
    def as_unread(self) -> Tally:
        """Fields right if every held scan's fields counted as not read."""
        return Tally(self.overall.right, self.overall.total + self.held.total)

    def to_dict(self) -> dict[str, Any]:
        return {"format": self.fmt, "overall": self.overall.to_dict(), "seconds": round(self.seconds, 2),
                "held_as_unread": self.as_unread.to_dict(), "held_fields": self.held.to_dict(),
                "by_field": {k: v.to_dict() for k, v in sorted(self.by_field.items())},
                "by_form": {k: v.to_dict() for k, v in sorted(self.by_form.items())},
                "wrong": self.wrong, "failed": self.failed, "needs_review": self.needs_review,
                "doubted_rightly": self.doubted_rightly, "doubted_needlessly": self.doubted_needlessly,
                "held_wrong": self.held_wrong}


# ---------------------------------------------------------------- checker precision and recall

def _field_place(place: str, path: str) -> bool:
    plain = _INDEX.sub("", path)
    if place == "form":
        return True
    if place == "funds":
        return ".funds" in plain
    if place == "goal":
        return plain.endswith(("goal_planned", "goal_achieved"))
    if place in ("goal_planned", "goal_achieved", "grade"):
        return plain.endswith(place)
    if place == "total":
        return plain.endswith(("total_score", "grade")) or plain.endswith("evaluations")
    if place == "indicators":
        return ".indicators" in plain or ".groups" in plain or ".block_weights" in plain
    if place == "conclusion":
        return plain.endswith(("conclusion", "problems", "measures"))
    if place == "signatures":
        return "signatures" in plain
    if place == "header":
        return plain.endswith(("project_name", "department", "impl_unit", "unit", "year", "project_code"))
    return False


_ROW_FIELD = re.compile(r"evaluations\[\d+\]\.(?:indicators|groups)\[\d+\]")


def field_rows(sub: Submission) -> dict[str, set[int]]:
    """Indicator and group field prefixes → the table rows their cells are on, for findings that
    name an indicator by its field but carry no row of their own."""
    out: dict[str, set[int]] = {}
    for e, ev in enumerate(sub.evaluations):
        for kind, items in (("indicators", ev.indicators), ("groups", ev.groups)):
            for i, item in enumerate(items):
                out[f"evaluations[{e}].{kind}[{i}]"] = {c.row for c in item.cells.values() if c.row is not None}
    return out


def at_matches(at: int | str, loc: Location, rows: dict[str, set[int]] | None = None) -> bool:
    """Whether a finding's location is the labelled place: a form row (1-based, as in the form
    file's cells; locations count rows from 0) or a part of the form."""
    if isinstance(at, int):
        if loc.row is not None:
            return loc.row == at - 1
        m = _ROW_FIELD.match(loc.field or "")
        return bool(m and rows and at - 1 in rows.get(m.group(), ()))
    return _field_place(at, loc.field or "")


def matches(finding: Finding, defect: Defect, rows: dict[str, set[int]] | None = None) -> bool:
    places = [(finding.rule, finding.location), *finding.places()]  # a folded finding's own place is its table
    return any(rule in defect.rules and at_matches(defect.at, loc, rows) for rule, loc in places)


@dataclass
class RuleScore:
    tp: int = 0
    fp: int = 0
    found: int = 0
    missed: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.found / (self.found + self.missed) if self.found + self.missed else None

    def to_dict(self) -> dict[str, Any]:
        r = lambda x: None if x is None else round(x, 4)  # noqa: E731
        return {"findings_right": self.tp, "findings_unmatched": self.fp, "defects_found": self.found,
                "defects_missed": self.missed, "precision": r(self.precision), "recall": r(self.recall)}


@dataclass
class CheckerReport:
    by_rule: dict[str, RuleScore] = field(default_factory=lambda: defaultdict(RuleScore))
    findings_per_form: dict[str, int] = field(default_factory=dict)
    repeats_per_form: dict[str, int] = field(default_factory=dict)  # right findings naming a defect already named
    unmatched: list[dict[str, Any]] = field(default_factory=list)  # for a person to judge
    missed: list[dict[str, Any]] = field(default_factory=list)
    no_rule: list[dict[str, Any]] = field(default_factory=list)  # defects no rule names yet, and whether caught
    not_judged: list[dict[str, Any]] = field(default_factory=list)  # findings on the untranscribed part of a form

    def totals(self) -> RuleScore:
        t = RuleScore()
        for s in self.by_rule.values():
            t.tp, t.fp, t.found, t.missed = t.tp + s.tp, t.fp + s.fp, t.found + s.found, t.missed + s.missed
        return t

    def to_dict(self) -> dict[str, Any]:
        return {"overall": self.totals().to_dict(),
                "by_rule": {k: v.to_dict() for k, v in sorted(self.by_rule.items())},
                "findings_per_form": self.findings_per_form, "repeats_per_form": self.repeats_per_form,
                "unmatched_findings": self.unmatched,
                "missed_defects": self.missed, "defects_without_rule": self.no_rule,
                "findings_not_judged": self.not_judged}


def score_findings(ff: FormFile, findings: list[Finding], report: CheckerReport,
                   rows: dict[str, set[int]] | None = None) -> None:
    report.findings_per_form[ff.id] = len(findings)
    seen: set[int] = set()
    repeats = 0
    for f in findings:
        hit = [k for k, d in enumerate(ff.defects) if matches(f, d, rows)]
        if hit:
            report.by_rule[f.rule].tp += 1
            repeats += set(hit) <= seen  # right, but a defect another finding already named
            seen.update(hit)
        elif f.rule in ff.not_judged:  # the rows it needs were not transcribed: neither right nor wrong
            report.not_judged.append({"form": ff.id, "rule": f.rule, "message": f.message})
        else:
            report.by_rule[f.rule].fp += 1
            report.unmatched.append({"form": ff.id, "rule": f.rule, "place": f.location.describe(),
                                     "field": f.location.field, "message": f.message})
    report.repeats_per_form[ff.id] = repeats
    for d in ff.defects:
        found = any(matches(f, d, rows) for f in findings)
        if not d.rules:
            report.no_rule.append({"form": ff.id, "kind": d.kind, "at": d.at, "note": d.note,
                                   "caught_by": sorted({f.rule for f in findings
                                                        if any(at_matches(d.at, loc, rows)
                                                               for _, loc in [(f.rule, f.location), *f.places()])})})
            continue
        score = report.by_rule[d.rules[0]]
        if found:
            score.found += 1
        else:
            score.missed += 1
            report.missed.append({"form": ff.id, "rules": list(d.rules), "at": d.at, "note": d.note})


# ---------------------------------------------------------------- the run

@dataclass
class RealEval:
    forms: list[str]
    formats: dict[str, FormatReport]
    skipped: dict[str, str]
    checker: CheckerReport
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {"forms": self.forms, "provinces": sorted({f.province for f in real_forms() if f.id in self.forms}),
                "formats": {k: v.to_dict() for k, v in self.formats.items()}, "skipped_formats": self.skipped,
                "checker": self.checker.to_dict(), "seconds": round(self.seconds, 2)}


def run(forms: list[FormFile] | None = None, formats: tuple[str, ...] = CLEAN_FORMATS,
        progress: Callable[[str, dict[str, FormatReport]], None] | None = None) -> RealEval:
    started = time.perf_counter()
    forms = list(forms if forms is not None else real_forms())
    usable, skipped = available_formats(formats)
    reports = {fmt: FormatReport(fmt) for fmt in usable}
    checker = CheckerReport()
    with tempfile.TemporaryDirectory(prefix="ziping-real-") as tmp:
        for ff in forms:
            out = Path(tmp) / ff.id
            out.mkdir()
            made: dict[str, Path] = {}
            for fmt in usable:
                t0 = time.perf_counter()
                report = reports[fmt]
                try:
                    made[fmt] = path = _write(ff, fmt, out, made)
                    sub: Submission | None = extract_file(path)
                except (IngestError, OSError, RuntimeError) as err:
                    report.failed.append((ff.id, str(err)))
                    sub = None
                report.record(ff, sub)
                report.seconds += time.perf_counter() - t0
                if fmt == "xlsx" and sub is not None:
                    score_findings(ff, check_submission(sub, profile=profile_for(sub)), checker, field_rows(sub))
            if progress:
                progress(ff.id, reports)
    return RealEval([f.id for f in forms], reports, skipped, checker, time.perf_counter() - started)


def _pct(x: float | None) -> str:
    return "  —  " if x is None else f"{x:.0%}".rjust(5)


def _print_form(form_id: str, reports: dict[str, FormatReport]) -> None:
    """One line per form as the run goes (a long OCR run can be stopped and its figures kept)."""
    parts = []
    for fmt, rep in reports.items():
        held = any(f == form_id for f, _ in rep.needs_review)
        tally = rep.by_form.get(form_id)
        why = "多余" if form_id in rep.doubted_needlessly else "有错"
        parts.append(f"{fmt} 待核实（{why}）" if held else f"{fmt} {tally.right}/{tally.total}" if tally else f"{fmt} —")
    print(f"  [{form_id}] " + "，".join(parts), flush=True)


def print_report(result: RealEval) -> None:
    forms = [f for f in real_forms() if f.id in result.forms]
    print(f"== 真实表单回归集 == {len(forms)} 份表，{len({f.province for f in forms})} 个省份，"
          f"用时 {result.seconds:.1f}s")
    print("-- 各格式字段准确率（对照人工转录的预期字段） --")
    for fmt, rep in result.formats.items():
        worst = sorted(rep.by_field.items(), key=lambda kv: kv[1].rate)[:3]
        low = "，".join(f"{k} {v.rate:.0%}" for k, v in worst if v.rate < 1) or "全对"
        print(f"  {fmt:11} {rep.overall.rate:7.2%}（{rep.overall.right}/{rep.overall.total}）"
              f"{rep.seconds:6.1f}s  最差：{low}")
        if rep.needs_review:
            print(f"        待核实 {len(rep.needs_review)} 份，不计入上面的准确率；"
                  f"按未读计 {rep.as_unread.rate:.2%}（{rep.as_unread.right}/{rep.as_unread.total}）")
            print(f"        其中确有读错字段 {len(rep.doubted_rightly)} 份，字段其实全对（多余的待核实）"
                  f" {len(rep.doubted_needlessly)} 份；待核实扫描件字段读对 {rep.held.right}/{rep.held.total}")
        for form_id, reason in rep.failed:
            print(f"        读取失败 {form_id}: {reason}")
        for form_id, reason in rep.needs_review:
            print(f"        待核实 {form_id}: {reason}")
        if rep.held_wrong:
            print(f"        待核实扫描件中读错的字段：{'，'.join(rep.held_wrong)}")
    for fmt, reason in result.skipped.items():
        print(f"  {fmt:11} 未测：{reason}")
    ck = result.checker
    total = ck.totals()
    print("-- 规则在真实表上的查准率/查全率（对照审核人员标注的缺陷，xlsx 读取） --")
    print(f"  总体 查准 {_pct(total.precision)}（{total.tp}/{total.tp + total.fp}）"
          f" 查全 {_pct(total.recall)}（{total.found}/{total.found + total.missed}）")
    print("  规则            查准   查全   对/发出  查到/标注")
    for rule, s in sorted(ck.by_rule.items()):
        print(f"  {rule:15} {_pct(s.precision)}  {_pct(s.recall)}  {s.tp:3}/{s.tp + s.fp:<3}   "
              f"{s.found:3}/{s.found + s.missed:<3}")
    print("  每份表的意见数（其中重复指出同一缺陷的）：" + "，".join(
        f"{k} {v}（{ck.repeats_per_form.get(k, 0)}）" for k, v in ck.findings_per_form.items()))
    print(f"-- 未对上标注的意见（{len(ck.unmatched)} 条，请人工判断） --")
    for u in ck.unmatched:
        print(f"  {u['form']} {u['rule']} {u['place']}：{u['message']}")
    if ck.not_judged:
        print(f"-- 表只转录了一部分、无法判断的意见（{len(ck.not_judged)} 条，不计入查准率） --")
        for n in ck.not_judged:
            print(f"  {n['form']} {n['rule']}：{n['message']}")
    print(f"-- 漏掉的标注缺陷（{len(ck.missed)} 个） --")
    for m in ck.missed:
        print(f"  {m['form']} {'/'.join(m['rules'])} @{m['at']}：{m['note']}")
    if ck.no_rule:
        print(f"-- 尚无规则对应的标注缺陷（{len(ck.no_rule)} 个，不计入查全率） --")
        for n in ck.no_rule:
            caught = "，".join(n["caught_by"]) or "无意见"
            print(f"  {n['form']} {n['kind']} @{n['at']}：{n['note']}（该处意见：{caught}）")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description="真实表单回归集评测 / real-form evaluation")
    parser.add_argument("--forms", nargs="*", help="form ids, space- or comma-separated (default: all)")
    parser.add_argument("--formats", nargs="*", default=list(CLEAN_FORMATS), choices=ALL_FORMATS)
    parser.add_argument("--ocr", action="store_true", help="also the scanned PDF (OCR; slow on a shared machine)")
    parser.add_argument("--degraded", action="store_true",
                        help="also the degraded scans: seal, skew, 120 dpi, header on page one only (OCR; slow)")
    parser.add_argument("--rotated", action="store_true", help="also scans turned by 90° and 180° (OCR; slow)")
    parser.add_argument("--out", type=Path, default=Path("data/real-eval.json"))
    parser.add_argument("--ocr-cache", default="data/eval-cache/ocr",
                        help="on-disk OCR result cache for scans ('none': read every page again)")
    args = parser.parse_args(argv)
    wanted = {name for arg in args.forms or [] for name in arg.split(",") if name}
    forms = [f for f in real_forms() if not wanted or f.id in wanted]
    formats = tuple(args.formats) + (("scan",) if args.ocr and "scan" not in args.formats else ())
    if args.degraded:
        formats += tuple(f for f in DEGRADED_FORMATS if f not in formats)
    if args.rotated:
        formats += tuple(f for f in ROTATED_FORMATS if f not in formats)
    cache = None
    if any(f.startswith("scan") for f in formats) and args.ocr_cache.lower() != "none":
        from eval.ocr_cache import install

        cache = install(Path(args.ocr_cache))
    result = run(forms, formats, progress=_print_form)
    print_report(result)
    if cache is not None:
        print(f"OCR 缓存：命中 {cache.hits} 次，新识别 {cache.misses} 次（{cache.directory}）")
    data = result.to_dict()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"报告已写入 {args.out}")
    return data


if __name__ == "__main__":
    main()
