"""``ziping draft review|annual|versions`` and ``ziping stats``: drafts and year statistics.

Thin shells over :mod:`assistant.drafting` and :mod:`assistant.stats`. Every draft written is
also saved as a version (who, when, what changed) in the records database; running a command
again without changes does not add a version.

Examples::

    ziping draft review 53f569af62c836c0 --out 审核意见.docx
    ziping draft review 53f569af62c836c0 --exclude 7179c646006a2d88 --editor 张三
    ziping draft review --all --out-dir drafts/
    ziping draft annual --year 2022 --out 2022年度报告.docx
    ziping draft annual --year 2022 --scope department --name 某县教育局 --out a.md --format md
    ziping stats --year 2022 --json
"""

from __future__ import annotations

import json
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from assistant.stats import Scope
    from assistant.stores.records import RecordStore

draft_app = typer.Typer(help="起草审核意见和年度报告的问题与措施部分 / draft review comments and the annual section",
                        no_args_is_help=True, rich_markup_mode=None)


class Format(StrEnum):
    docx = "docx"
    md = "md"
    json = "json"


class ScopeLevel(StrEnum):
    all = "all"
    unit = "unit"
    department = "department"


Issuer = Annotated[str | None, typer.Option("--issuer", help="发文机关署名（保存为该修改人的默认值）")]
Addressee = Annotated[str | None, typer.Option("--addressee", help="主送机关（审核意见默认为报送单位）")]
DocNumber = Annotated[str | None, typer.Option("--doc-number", help="发文字号，如 ×财绩函〔2026〕12号")]
SignDate = Annotated[str | None, typer.Option("--date", help="成文日期，如 2026年12月7日")]
CarbonCopy = Annotated[str | None, typer.Option("--cc", help="抄送机关")]


def _letterhead(records: RecordStore, editor: str, **given: str | None) -> dict[str, str]:
    """The editor's saved letterhead with the options given written over it (and saved again)."""
    from assistant.stores.letterheads import LetterheadStore

    store = LetterheadStore(records.engine)
    saved = store.get(editor)
    if not any(v is not None for v in given.values()):
        return saved.to_dict()
    return store.save(editor, saved.merged({k: v for k, v in given.items() if v is not None})).to_dict()


def _die(message: str) -> None:
    typer.echo(f"错误 / error: {message}", err=True)
    sys.exit(2)


def _edits(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep:
            _die(f"--edit 须写成 块编号=文字 / --edit takes KEY=TEXT: {item!r}")
        out[key.strip()] = text
    return out


def _llm(polish: bool):
    if not polish:
        return None
    from assistant.chat_model import chat_model
    from assistant.settings import get_settings

    llm = chat_model(get_settings())
    if llm is None:
        _die("未配置大模型（ZIPING_LLM_BASE_URL、ZIPING_LLM_MODEL） / no LLM configured")
    return llm


def _safe(name: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", name).strip("_") or "draft"


def _write(draft, out: Path | None, fmt: Format | None) -> None:
    from assistant.drafting import export, to_markdown

    if out is None:
        typer.echo(to_markdown(draft) if (fmt or Format.md) != Format.json else json.dumps(
            draft.to_dict(), ensure_ascii=False, indent=2))
        return
    path = export(draft, out, fmt.value if fmt else None)
    typer.echo(f"已写入 / written: {path}", err=True)


def _report(version, draft) -> None:
    typer.echo(f"{draft.title}：第{version.version}版（{version.editor}，{version.created_at:%Y-%m-%d %H:%M}，"
               f"{version.action}）", err=True)
    for note in draft.notes:
        typer.echo(f"  注意：{note}", err=True)


@draft_app.command("review")
def review(
    submission: Annotated[str | None, typer.Argument(help="材料编号 / submission id")] = None,
    all_: Annotated[bool, typer.Option("--all", help="为每份有审核发现的材料起草 / every submission with findings")] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="输出文件（.docx/.md/.json）")] = None,
    out_dir: Annotated[Path, typer.Option("--out-dir", help="批量输出目录 / folder for --all")] = Path("drafts"),
    fmt: Annotated[Format | None, typer.Option("--format", "-f", help="docx | md | json")] = None,
    year: Annotated[int | None, typer.Option(help="批量时只处理该年度 / only this year with --all")] = None,
    editor: Annotated[str, typer.Option(help="修改人 / who makes this version")] = "ziping",
    exclude: Annotated[list[str], typer.Option("--exclude", help="排除的审核发现编号（可多次）")] = [],  # noqa: B006
    include: Annotated[list[str], typer.Option("--include", help="恢复已排除的审核发现（可多次）")] = [],  # noqa: B006
    edit: Annotated[list[str], typer.Option("--edit", help="修改某段文字：块编号=文字（可多次）")] = [],  # noqa: B006
    note: Annotated[str | None, typer.Option(help="修改说明 / note for this version")] = None,
    polish: Annotated[bool, typer.Option("--polish", help="用大模型润色（数字受校验） / polish with the LLM")] = False,
    issuer: Issuer = None, addressee: Addressee = None, doc_number: DocNumber = None, date: SignDate = None,
    cc: CarbonCopy = None,
    annex: Annotated[bool, typer.Option("--annex", help="附审核发现明细表（规则编号、文件、位置，供审核人员核对）")] = False,
) -> None:
    """起草审核意见 / draft the review comment of one submission (or all with findings)."""
    from assistant.drafting import DraftStore, export, revise
    from assistant.drafting.review import review_key
    from assistant.settings import get_settings
    from assistant.stores import open_stores

    if bool(submission) == all_:
        _die("请给出一个材料编号，或使用 --all / give a SUBMISSION or --all")
    stores = open_stores(get_settings())
    drafts = DraftStore(stores.records)
    llm = _llm(polish)
    params = {"letterhead": _letterhead(stores.records, editor, issuer=issuer, addressee=addressee,
                                        doc_number=doc_number, date=date, cc=cc), "annex": annex}
    try:
        if submission:
            if stores.records.get_summary(submission) is None:
                _die(f"没有这份材料 / no submission {submission!r}")
            _known(stores.records, [*exclude, *include], submission)
            version = revise(stores.records, drafts, review_key(submission), editor=editor, exclude=exclude,
                             include=include, edits=_edits(edit), note=note, llm=llm, params=params)
            _report(version, version.draft)
            _write(version.draft, out, fmt)
            return
        ext = (fmt or Format.docx).value
        ids = _with_findings(stores.records, year)
        for sid in ids:
            version = revise(stores.records, drafts, review_key(sid), editor=editor, note=note, llm=llm, params=params)
            d = version.draft
            name = f"审核意见_{_safe(d.meta.get('unit') or '')}_{sid}.{ext}"
            export(d, out_dir / name, ext)
            typer.echo(f"{sid}　{d.meta.get('conclusion')}　{out_dir / name}")
        typer.echo(f"共起草审核意见 {len(ids)} 份 / {len(ids)} review comments written to {out_dir}", err=True)
    finally:
        stores.close()


def _known(records: RecordStore, ids: list[str], submission: str | None = None) -> None:
    if not ids:
        return
    known = {f.id for f in records.get_findings(submission)}
    unknown = [i for i in ids if i not in known]
    if unknown:
        _die(f"没有这些审核发现 / unknown finding ids: {'、'.join(unknown)}")


def _with_findings(records: RecordStore, year: int | None) -> list[str]:
    having = {f.submission_id for f in records.get_findings()}
    return sorted(s.id for s in records.list_submissions(year=year) if s.id in having)


def _resolve_scope(records: RecordStore, year: int, level: ScopeLevel, name: str | None) -> Scope:
    from assistant.stats import Scope, year_statistics

    if level == ScopeLevel.all:
        return Scope()
    if name:
        return Scope(level.value, name)  # type: ignore[arg-type]
    objects = year_statistics(records, year).objects
    names = sorted({(o.unit if level == ScopeLevel.unit else o.department) or "" for o in objects} - {""})
    if len(names) == 1:
        return Scope(level.value, names[0])  # type: ignore[arg-type]
    _die(f"请用 --name 指定{'单位' if level == ScopeLevel.unit else '部门'}：{'、'.join(names) or '（该年度没有材料）'}")
    raise AssertionError


@draft_app.command("annual")
def annual(
    year: Annotated[int, typer.Option(help="年度 / year")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="输出文件（.docx/.md/.json）")] = None,
    scope: Annotated[ScopeLevel, typer.Option(help="范围：all 全部 / department 主管部门 / unit 预算单位")] = ScopeLevel.all,
    name: Annotated[str | None, typer.Option(help="部门或单位名称（scope 为 department/unit 时）")] = None,
    fmt: Annotated[Format | None, typer.Option("--format", "-f", help="docx | md | json")] = None,
    statistics: Annotated[bool, typer.Option("--stats/--no-stats", help="是否生成“二、”统计段落")] = True,
    anonymise: Annotated[bool, typer.Option("--anonymise/--no-anonymise", help="典型案例单位名称以代称表示")] = True,
    editor: Annotated[str, typer.Option(help="修改人 / who makes this version")] = "ziping",
    exclude: Annotated[list[str], typer.Option("--exclude", help="排除的审核发现编号（可多次）")] = [],  # noqa: B006
    include: Annotated[list[str], typer.Option("--include", help="恢复已排除的审核发现（可多次）")] = [],  # noqa: B006
    edit: Annotated[list[str], typer.Option("--edit", help="修改某段文字：块编号=文字（可多次）")] = [],  # noqa: B006
    note: Annotated[str | None, typer.Option(help="修改说明 / note for this version")] = None,
    polish: Annotated[bool, typer.Option("--polish", help="用大模型润色（数字受校验）")] = False,
    issuer: Issuer = None, addressee: Addressee = None, doc_number: DocNumber = None, date: SignDate = None,
    cc: CarbonCopy = None,
) -> None:
    """起草年度报告“四、存在的问题和困难”“五、下一步工作措施” / draft the annual section."""
    from assistant.drafting import DraftStore, revise
    from assistant.drafting.annual import annual_key
    from assistant.settings import get_settings
    from assistant.stores import open_stores

    stores = open_stores(get_settings())
    drafts = DraftStore(stores.records)
    try:
        sc = _resolve_scope(stores.records, year, scope, name)
        key = annual_key(year, sc)
        _known(stores.records, [*exclude, *include])
        version = revise(stores.records, drafts, key, editor=editor, exclude=exclude, include=include,
                         edits=_edits(edit), note=note, llm=_llm(polish),
                         params={"with_statistics": statistics, "anonymise": anonymise,
                                 "letterhead": _letterhead(stores.records, editor, issuer=issuer, addressee=addressee,
                                                           doc_number=doc_number, date=date, cc=cc)})
        _report(version, version.draft)
        _write(version.draft, out, fmt)
    finally:
        stores.close()


@draft_app.command("versions")
def versions(
    key: Annotated[str, typer.Argument(help="材料编号，或稿件编号（review:… / annual:年度:范围）")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """列出稿件的各个版本（修改人、时间） / list the versions of a draft."""
    from assistant.drafting import DraftStore
    from assistant.drafting.review import review_key
    from assistant.settings import get_settings
    from assistant.stores import open_stores

    stores = open_stores(get_settings())
    try:
        key = key if ":" in key else review_key(key)
        rows = DraftStore(stores.records).versions(key)
    finally:
        stores.close()
    if as_json:
        typer.echo(json.dumps([v.summary() for v in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo(f"{key}：尚无版本 / no versions")
    for v in rows:
        typer.echo(f"第{v.version}版　{v.created_at:%Y-%m-%d %H:%M:%S}　{v.editor}　{v.action}"
                   + (f"　排除 {len(v.excluded)} 条" if v.excluded else "")
                   + (f"　修改段落：{'、'.join(sorted(v.edits))}" if v.edits else "")
                   + (f"　说明：{v.note}" if v.note else ""))


def stats(
    year: Annotated[int, typer.Option(help="年度 / year")],
    scope: Annotated[ScopeLevel, typer.Option(help="范围：all / department / unit")] = ScopeLevel.all,
    name: Annotated[str | None, typer.Option(help="部门或单位名称")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出（含每个数字对应的材料和审核发现编号）")] = False,
) -> None:
    """年度统计（单位、项目、资金、覆盖率、等级、执行率、审核发现） / year statistics."""
    from assistant.settings import get_settings
    from assistant.stats import year_statistics
    from assistant.stores import open_stores

    stores = open_stores(get_settings())
    try:
        st = year_statistics(stores.records, year, _resolve_scope(stores.records, year, scope, name))
    finally:
        stores.close()
    if as_json:
        typer.echo(json.dumps(st.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo("\n".join(st.lines()))


def register(app: typer.Typer) -> None:
    app.add_typer(draft_app, name="draft")
    app.command("stats")(stats)
