"""The :class:`Rule` base class: one rule = one small, self-describing class in its own module.

Like a SQLFluff or ruff rule, a rule carries everything a reviewer needs to trust it:

* ``code`` — the docs/domain.md id (``CALC-IND-001``); the family is its first part;
* ``title`` (Chinese), default ``severity``, evidence ``tag`` (K / V / V-3p / H) and ``source``
  (policy document, article and address);
* its docstring, which *is* its documentation: a description of the exact condition, then the
  ``Why:``, ``Bad:`` and ``Good:`` parts, parsed into :attr:`why`, :attr:`bad`, :attr:`good`;
* ``check(ctx)``, which yields :class:`~assistant.model.Finding` s made with :meth:`Rule.finding`.

Thresholds never live in a rule: they come from ``ctx.profile`` (see :mod:`assistant.checker.profiles`).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from assistant.model import Finding, Severity

if TYPE_CHECKING:
    from assistant.checker.context import CheckContext

FAMILIES: tuple[str, ...] = ("MISSING", "WEAK", "CALC", "SCORE", "DEPT", "CYCLE")
FAMILY_TITLES: dict[str, str] = {
    "MISSING": "内容完整性", "WEAK": "指标设置质量", "CALC": "计算与评分一致性",
    "SCORE": "自评得分与依据", "DEPT": "部门整体支出绩效自评", "CYCLE": "申报、监控与自评的一致性",
}
TAGS: tuple[str, ...] = ("K", "V", "V-3p", "H")
TAG_TITLES: dict[str, str] = {
    "K": "政策原文（待核对官方版本）", "V": "已核实来源", "V-3p": "第三方转载来源", "H": "经验规则（仅作提示）",
}
# The parts of a form a rule may need, with the Chinese a reviewer reads (docs/rules.md).
FORM_FEATURES: dict[str, str] = {
    "scores": "逐项分值、得分栏",
    "self_eval_indicators": "自评的产出、效益、满意度指标",
    "execution_score": "预算执行率分值",
    # not parts of the form itself: the linked forms of the cycle (a rule needing them runs only
    # on a self-evaluation that has them linked)
    "declaration": "关联的绩效目标申报表",
    "monitoring": "关联的绩效监控表",
    "previous_year": "同一项目上年度的自评表",
}
# the FORM_FEATURES a self-evaluation has only through its links (assistant.model.Cycle)
LINKED_FEATURES: tuple[str, ...] = ("declaration", "monitoring", "previous_year")
_PART = re.compile(r"^(Why|Bad|Good):\s*$|^(Why|Bad|Good):\s+(.*)$")


class Rule:
    """Base class of every checker rule (see the module docstring)."""

    code: ClassVar[str] = ""
    title: ClassVar[str] = ""
    severity: ClassVar[Severity] = "warning"
    tag: ClassVar[str] = "K"
    source: ClassVar[str] = ""
    semantic: ClassVar[bool] = False
    scope: ClassVar[str] = "evaluation"  # "evaluation": once per table; "submission": once per file
    kinds: ClassVar[tuple[str, ...]] = ("project",)  # evaluation kinds the rule applies to
    # What of a form the rule reads (FORM_FEATURES): the rule does not run on a layout the profile's
    # ``layout_lacks`` says has no such thing (no 定性分档 finding on the evaluation framework's rows,
    # no 分值为空 on a table without score columns).
    needs: ClassVar[tuple[str, ...]] = ()
    # A profile key that switches the rule on: it runs only under a pack where that key is set (a
    # deviation threshold), and the catalog shows it 停用 elsewhere. "" = runs under every pack.
    enabled_by: ClassVar[str] = ""
    # parsed from the docstring by __init_subclass__
    description: ClassVar[str] = ""
    why: ClassVar[str] = ""
    bad: ClassVar[str] = ""
    good: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__doc__:
            cls.description, parts = _parse_doc(cls.__doc__)
            cls.why, cls.bad, cls.good = parts.get("Why", ""), parts.get("Bad", ""), parts.get("Good", "")

    @classmethod
    def family(cls) -> str:
        return cls.code.split("-", 1)[0]

    def check(self, ctx: CheckContext) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(self, ctx: CheckContext, field: str, message: str, *, evidence: str | None = None,
                suggestion: str | None = None) -> Finding:
        """A finding of this rule about ``field`` (a field path), placed at that field's cell.

        Severity, source, submission id and finding id are filled in by the checker, which
        knows the profile.
        """
        return Finding(rule=self.code, severity=self.severity, message=message,
                       location=ctx.locate(field), evidence=evidence, suggestion=suggestion,
                       source=self.source)


def _parse_doc(doc: str) -> tuple[str, dict[str, str]]:
    """Split a rule docstring into its description and its ``Why:`` / ``Bad:`` / ``Good:`` parts."""
    text = inspect.cleandoc(doc)
    desc: list[str] = []
    parts: dict[str, list[str]] = {}
    current: list[str] = desc
    for line in text.splitlines():
        m = _PART.match(line.strip()) if not line.startswith(" ") else None
        if m:
            current = parts.setdefault(m.group(1) or m.group(2), [])
            if m.group(3):
                current.append(m.group(3))
            continue
        current.append(line.strip())
    return _join(desc), {k: _join(v) for k, v in parts.items()}


_CJK_PUNCT = "，。；：、（）“”‘’《》【】"


def _glue(a: str, b: str) -> str:
    """Join two wrapped lines: Chinese runs on without a space, ASCII (``code``, 80%) keeps one."""
    x, y = a[-1], b[0]
    if x in _CJK_PUNCT or y in _CJK_PUNCT or not (x.isascii() or y.isascii()):
        return a + b
    return f"{a} {b}"


def _join(lines: list[str]) -> str:
    """Paragraphs separated by a blank line; the wrapped lines of a paragraph glued back together."""
    paras, buf = [], ""
    for line in lines:
        if line:
            buf = _glue(buf, line) if buf else line
        elif buf:
            paras.append(buf)
            buf = ""
    if buf:
        paras.append(buf)
    return "\n\n".join(paras)
