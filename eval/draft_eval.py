"""Drafting evaluation: faithfulness and coverage of every draft of a synthetic corpus.

``python -m eval.draft_eval --corpus DIR`` ingests the corpus into a temporary data directory
(records and full text; no vectors), drafts a review comment for every submission with
findings and the annual section for every year (all units, and each 主管部门), and measures:

Faithfulness
    * numbers — every number in every claim block appears in the facts the block cites. The
      facts are **recomputed from the records** (findings rows, ``year_statistics``), not taken
      from the draft, so a stale or invented fact counts as a failure (target 100%);
    * problems — each problem (review item, annual theme) cites at least one finding;
    * measures — each theme measure answers a theme stated in section 四.

Independent faithfulness (:mod:`eval.faithfulness`, no drafting or statistics code)
    * every number of every claim is in the records of the draft's scope, or a count / sum /
      mean / share computed by the evaluation from them, or a template constant; every quoted
      project name and written-out unit name is a stored one.

Coverage (annual drafts)
    * every finding family (MISSING/WEAK/CALC/SCORE/DEPT) whose share of objects is at least
      ``annual.coverage_threshold`` (prompts/drafting/drafting.yaml) is written about;
    * no theme without data behind it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.checker.export import project_of
from assistant.drafting import build_annual, build_review, check_draft, load_library, stated_themes
from assistant.drafting.document import Draft
from assistant.drafting.numbers import number_set
from assistant.model import Finding
from assistant.settings import Settings
from assistant.stats import Scope, year_statistics
from assistant.stores import open_stores
from assistant.stores.records import RecordStore
from eval.faithfulness import Faithfulness, check_text, claim_blocks, template_numbers
from eval.faithfulness import Scope as RecordScope


@dataclass
class DraftEvalResult:
    corpus: str
    files: int = 0
    submissions: int = 0
    findings: int = 0
    review_drafts: int = 0
    annual_drafts: int = 0
    numbers: int = 0
    numbers_supported: int = 0
    drafts_faithful: int = 0
    problems: int = 0
    problems_citing: int = 0
    measures: int = 0
    measures_answering: int = 0
    themes_without_data: int = 0
    families_required: int = 0
    families_mentioned: int = 0
    unsupported: list[dict] = field(default_factory=list)
    missing_families: list[dict] = field(default_factory=list)
    independent: Faithfulness = field(default_factory=Faithfulness)

    @staticmethod
    def _pct(a: int, b: int) -> float:
        return round(100.0 * a / b, 2) if b else 100.0

    @property
    def faithfulness(self) -> float:
        return self._pct(self.numbers_supported, self.numbers)

    @property
    def ok(self) -> bool:
        return (self.numbers_supported == self.numbers and self.problems_citing == self.problems
                and self.measures_answering == self.measures and not self.themes_without_data
                and self.families_mentioned == self.families_required and not self.independent.unexplained)

    def lines(self) -> list[str]:
        drafts = self.review_drafts + self.annual_drafts
        return [
            f"起草评测 / drafting eval — {self.corpus}",
            f"  语料：{self.files} 个文件，入库 {self.submissions} 份材料，审核发现 {self.findings} 条",
            f"  稿件：审核意见 {self.review_drafts} 份，年度稿 {self.annual_drafts} 份",
            f"  数字忠实度 faithfulness：{self.numbers_supported}/{self.numbers} = {self.faithfulness}%（目标 100%）",
            f"  完全忠实的稿件：{self.drafts_faithful}/{drafts} = {self._pct(self.drafts_faithful, drafts)}%",
            f"  问题引用审核发现：{self.problems_citing}/{self.problems} = {self._pct(self.problems_citing, self.problems)}%",
            f"  措施对应已述问题：{self.measures_answering}/{self.measures} = "
            f"{self._pct(self.measures_answering, self.measures)}%",
            f"  覆盖：超过阈值的问题类别已写到 {self.families_mentioned}/{self.families_required} = "
            f"{self._pct(self.families_mentioned, self.families_required)}%；无数据支撑的主题 {self.themes_without_data} 个",
            f"  独立核对（对照记录库）：数字 {self.independent.explained}/{self.independent.numbers} = "
            f"{self._pct(self.independent.explained, self.independent.numbers)}% 有来源"
            f"（记录原值 {self.independent.recorded}，由记录计算 {self.independent.derived}，模板常量 "
            f"{self.independent.template}）；名称 {self.independent.names_found}/{self.independent.names} 在库",
            f"  结论：{'达标' if self.ok else '未达标'}",
        ] + [f"  独立核对未找到来源：{u}" for u in self.independent.unexplained[:20]] + [f"  未找到来源的数字：{u}" for u in self.unsupported[:20]] + \
            [f"  未写到的问题类别：{m}" for m in self.missing_families]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["faithfulness"] = self.faithfulness
        d["ok"] = self.ok
        d["independent"] = self.independent.to_dict()
        return d


# --- facts recomputed from the records ----------------------------------------------------------

class RecordFacts:
    """The numbers each kind of cited fact may contribute, recomputed from the records store."""

    def __init__(self, records: RecordStore) -> None:
        self.records = records
        self._findings: dict[str, tuple[Finding, str]] = {}
        for f in records.get_findings():
            self._findings[f.id or ""] = (f, f.submission_id or "")
        self._subs: dict = {}
        self._stats: dict = {}
        self.lib = load_library()

    def _sub(self, sid: str):
        if sid not in self._subs:
            self._subs[sid] = self.records.get_submission(sid)
        return self._subs[sid]

    def finding_numbers(self, fid: str) -> set[str]:
        f, sid = self._findings[fid]
        sub = self._sub(sid)
        texts = [f.message, f.evidence or "", f.suggestion or "", f.location.describe(),
                 f.location.file or sub.file.name, project_of(sub, f)]
        # a folded finding names every place it lists, and how many rows of its own
        texts += [t or "" for o in f.occurrences for t in (o.location.describe(), o.message, o.evidence, o.rule)]
        texts.append(str(sum(1 for o in f.occurrences if o.rule is None)))
        # the letter names the rule's basis (its document numbers) and the row as the unit counts it:
        # the 1-based index in the finding's field path (…indicators[2]… is 第3行)
        texts.append(f.source or "")
        paths = [f.location.field or "", *(o.location.field or "" for o in f.occurrences)]
        texts += [str(int(i) + 1) for path in paths for i in re.findall(r"\[(\d+)\]", path)]
        for ev in sub.evaluations:  # the annual examples name the project
            texts.append(ev.project_name or "")
        return number_set(texts)

    def submission_numbers(self, sid: str) -> set[str]:
        sub = self._sub(sid)
        return number_set([sub.unit or "", sub.department or "", str(sub.year or ""), sub.file.name,
                           *(ev.project_name or "" for ev in sub.evaluations)])

    def figure_numbers(self, draft: Draft) -> dict[str, set[str]]:
        meta = draft.meta
        scope = Scope.of(meta["scope"]["level"], meta["scope"]["name"])
        key = (meta["year"], scope.key, tuple(meta.get("excluded") or ()))
        if key not in self._stats:
            top = int(self.lib.annual_config().get("top_units", 3))
            st = year_statistics(self.records, meta["year"], scope, exclude_findings=meta.get("excluded") or (),
                                 top_n=top)
            figs = st.figure_index()
            for theme in stated_themes(st, self.lib):
                figs.update({f.key: f for f in theme.group.figures()})
            self._stats[key] = {k: number_set([f.statement]) for k, f in figs.items()}
        return self._stats[key]

    def review_numbers(self, draft: Draft) -> dict[str, set[str]]:
        sid = draft.meta["submission_id"]
        excluded = set(draft.meta.get("excluded") or ())
        active = [f for f, s in self._findings.values() if s == sid and f.id not in excluded]
        counts = [len(active)] + [sum(1 for f in active if f.severity == s) for s in ("error", "warning", "info")]
        cfg = self.lib.review_config()
        return {"review:counts": number_set(counts),
                "rule:review": number_set([str(cfg.get("return_min_errors", 3)), *(cfg.get("return_rules") or [])])}

    def allowed_for(self, draft: Draft) -> Callable[[list[str]], set[str]]:
        year = draft.meta.get("year")
        context = number_set([str(year)]) if year else set()
        # 文号, 成文日期 and 抄送 are the reviewer's own input
        context |= number_set([str(v) for v in (draft.meta.get("letterhead") or {}).values()])
        special = self.figure_numbers(draft) if draft.kind == "annual" else self.review_numbers(draft)

        def allowed(cites: list[str]) -> set[str]:
            out = set(context)
            for ref in cites:
                if ref in special:
                    out |= special[ref]
                elif ref in self._findings:
                    out |= self.finding_numbers(ref)
                elif ref.startswith("submission:"):
                    out |= self.submission_numbers(ref.split(":", 1)[1])
                # an unknown ref contributes nothing: its numbers count as unsupported
            return out

        return allowed


# --- the run ------------------------------------------------------------------------------------

def evaluate(records: RecordStore, result: DraftEvalResult) -> DraftEvalResult:
    lib = load_library()
    facts = RecordFacts(records)
    threshold = float(lib.annual_config().get("coverage_threshold", 10))
    subs = records.list_submissions()
    result.submissions = len(subs)
    findings = records.get_findings()
    result.findings = len(findings)
    drafts: list[Draft] = [build_review(records, sid) for sid in sorted({f.submission_id for f in findings})]
    result.review_drafts = len(drafts)
    for year in sorted({s.year for s in subs if s.year}):
        st = year_statistics(records, year)
        scopes = [Scope()] + [Scope("department", d) for d in sorted({o.department for o in st.objects if o.department})]
        for scope in scopes:
            d = build_annual(records, year, scope)
            drafts.append(d)
            result.annual_drafts += 1
            _coverage(d, year_statistics(records, year, scope), lib, threshold, result)
    for d in drafts:
        check = check_draft(d, allowed_for=facts.allowed_for(d))
        result.numbers += check.numbers
        result.numbers_supported += check.numbers - check.unsupported_count
        result.drafts_faithful += not check.unsupported
        result.problems += check.problems
        result.problems_citing += check.problems_citing
        result.measures += check.measures
        result.measures_answering += check.measures_answering
        result.themes_without_data += len(check.themes_without_data)
        for block, numbers in check.unsupported.items():
            result.unsupported.append({"draft": d.key, "block": block, "numbers": numbers})
    independent_check(records, drafts, result.independent)
    return result


def record_scope(records: RecordStore, draft: Draft, subs: list[dict], findings: list[dict]) -> RecordScope:
    """The records a draft is about, chosen from the records' plain data: a review's submission
    and its findings; an annual draft's year (and 主管部门, for a department scope)."""
    meta, excluded = draft.meta, set(draft.meta.get("excluded") or ())
    if draft.kind == "review":
        chosen = [s for s in subs if s["id"] == meta["submission_id"]]
    else:
        chosen = [s for s in subs if s.get("year") == meta["year"]]
        scope = meta.get("scope") or {}
        if scope.get("level") == "department":
            # a unit's report names no 主管部门: it joins the department its tables name
            units = {s.get("unit") for s in chosen if s.get("department") == scope.get("name")} | {scope.get("name")}
            chosen = [s for s in chosen if s.get("department") == scope.get("name") or s.get("unit") in units]
    ids = {s["id"] for s in chosen}
    return RecordScope(chosen, [f for f in findings if f.get("submission_id") in ids and f.get("id") not in excluded])


def independent_check(records: RecordStore, drafts: list[Draft], out: Faithfulness) -> None:
    subs = [s.to_dict() for s in records.get_submissions([s.id for s in records.list_submissions()])]
    findings = [asdict(f) for f in records.get_findings()]
    templates = template_numbers()
    for d in drafts:
        year = d.meta.get("year")
        context = {float(year), float(year) - 1} if year else set()
        out.add(check_text(claim_blocks(d.to_dict()), record_scope(records, d, subs, findings), context, templates))


def _coverage(draft: Draft, st, lib, threshold: float, result: DraftEvalResult) -> None:
    stated = {b.answers[0] for b in draft.blocks_with("theme")}
    if not st.objects:
        return
    for rc in st.by_family:
        share = 100.0 * float(rc.objects.value or 0) / len(st.objects)
        if share < threshold:
            continue
        result.families_required += 1
        themes = {lib.theme_for(f.rule).id for f in st.findings if f.family == rc.rule}
        if themes & stated:
            result.families_mentioned += 1
        else:
            result.missing_families.append({"draft": draft.key, "family": rc.rule, "share": round(share, 1)})


def run(corpus: Path, data_dir: Path | None = None) -> DraftEvalResult:
    """Ingest ``corpus`` (into ``data_dir`` or a temporary one) and evaluate every draft."""
    from ingest.pipeline import IngestOptions, ingest_paths

    corpus = Path(corpus)
    files = [p for p in corpus.rglob("*") if p.is_file() and not p.name.endswith(".labels.json")]
    result = DraftEvalResult(corpus=str(corpus), files=len(files))
    with tempfile.TemporaryDirectory(prefix="ziping-draft-eval-") as tmp:
        stores = open_stores(Settings(data_dir=Path(data_dir or tmp)))
        try:
            ingest_paths([corpus], stores, IngestOptions(defer_vectors=True))
            return evaluate(stores.records, result)
        finally:
            stores.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.draft_eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="folder made by `ziping synth`")
    parser.add_argument("--data", type=Path, default=None, help="data dir to ingest into (default: temporary)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = run(args.corpus, args.data)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(result.lines()))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
