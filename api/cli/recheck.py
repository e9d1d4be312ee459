"""``ziping recheck [ID...] [--all]``: re-run the rules on stored submissions, store the findings.

Findings are stored with their submission, stamped with the version of the rules that made them
(:func:`assistant.checker.version.rules_version`). After the rules or a profile change (a new
release, a province's own YAML) ``recheck`` recomputes the stale ones from the stored records —
nothing is read again — and says, per submission, which findings appeared and which went away.
Without ids it takes every submission (of ``--year``) whose stamp differs from the current
rules; ``--all`` takes them all.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Annotated

import typer

from api.cli.output import table_text
from api.cli.progress import ProgressBar
from assistant.checker import check_submission, load_profile, profile_for
from assistant.checker.profiles import available_profiles
from assistant.checker.version import rules_version
from assistant.model import Finding
from assistant.settings import get_settings
from assistant.stores.records import RecordStore


@dataclass
class Rechecked:
    submission_id: str
    file_name: str
    profile: str
    before: int
    after: int
    added: list[str] = field(default_factory=list)  # rule codes, once per new finding
    removed: list[str] = field(default_factory=list)


def _identity(f: Finding) -> tuple[str, str | None]:
    """The same rule at the same field is the same finding (its wording may have changed)."""
    return f.rule, f.location.field


def _rule_delta(old: list[Finding], new: list[Finding]) -> tuple[list[str], list[str]]:
    old_keys, new_keys = Counter(map(_identity, old)), Counter(map(_identity, new))
    return (sorted(k[0] for k in (new_keys - old_keys).elements()),
            sorted(k[0] for k in (old_keys - new_keys).elements()))


def stale_ids(records: RecordStore, profile: str, year: int | None = None) -> list[str]:
    """Stored submissions whose findings were made by other rules than ``profile``'s today."""
    current = rules_version(profile)
    versions = records.rules_versions()
    in_year = {s.id for s in records.list_submissions(year=year)} if year is not None else versions.keys()
    return sorted(sid for sid, version in versions.items() if sid in in_year and version != current)


def recheck_stored(records: RecordStore, ids: list[str], profile: str, progress=None) -> list[Rechecked]:
    version = rules_version(profile)
    out = []
    for done, sub in enumerate(records.get_submissions(ids), 1):  # one query, not one per id
        sid = sub.id
        chosen = profile_for(sub, profile)
        old, new = records.get_findings(sid), check_submission(sub, profile=chosen)
        records.save_findings(sid, new, rules_version=version)
        added, removed = _rule_delta(old, new)
        out.append(Rechecked(sid, sub.file.name or "", chosen.name, len(old), len(new), added, removed))
        if progress:
            progress(done, len(ids))
    return out


def recheck(
    ids: Annotated[list[str] | None, typer.Argument(help="材料编号；省略则重查规则已变的材料 / submission ids (default: stale ones)")] = None,
    every: Annotated[bool, typer.Option("--all", help="重查全部已入库材料 / recheck every stored submission")] = False,
    year: Annotated[int | None, typer.Option(help="只重查该年度 / only this year")] = None,
    profile: Annotated[str, typer.Option("--profile", "-p", help=f"审核口径（{'/'.join(available_profiles())} 或 YAML 路径；auto 按版式选择）")] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
) -> None:
    """按当前规则重新预审已入库材料并保存结果 / re-check stored submissions with the current rules."""
    try:
        load_profile(profile)
    except (FileNotFoundError, ValueError) as err:
        typer.echo(f"错误 / error: 审核口径无效 / bad profile: {err}", err=True)
        sys.exit(2)
    records = RecordStore(get_settings().sqlalchemy_url)
    try:
        if ids:
            wanted = ids
        elif every:
            wanted = [s.id for s in records.list_submissions(year=year)]
        else:
            wanted = stale_ids(records, profile, year)
        unknown = [i for i in ids or [] if records.get_summary(i) is None]
        with ProgressBar(total=len(wanted), label="重新预审", enabled=not as_json) as bar:
            results = recheck_stored(records, [i for i in wanted if i not in unknown], profile, bar.update)
    finally:
        records.close()
    if as_json:
        typer.echo(json.dumps({"rechecked": [asdict(r) for r in results], "unknown": unknown},
                              ensure_ascii=False, indent=2))
    else:
        changed = [r for r in results if r.added or r.removed]
        rows = [(r.submission_id, r.file_name, r.profile, r.before, r.after,
                 "、".join(r.added) or "—", "、".join(r.removed) or "—") for r in changed]
        if rows:
            typer.echo(table_text(("编号", "文件", "口径", "原发现", "现发现", "新增", "消除"), rows))
        typer.echo(f"已重新预审 {len(results)} 份材料，其中 {len(changed)} 份的审核发现有变化。"
                   + ("（审核发现均由当前规则生成，无需重查；--all 可强制全部重查）" if not (ids or every or results) else ""))
    for sid in unknown:
        typer.echo(f"未找到已入库材料 / no stored submission: {sid}", err=True)
    if unknown and not results:
        sys.exit(2)


def register(app: typer.Typer) -> None:
    app.command("recheck")(recheck)
