"""LLM polishing of a template draft, under the number guard.

Each claim paragraph (not headings, tables, placeholders or reviewer-edited blocks) is sent to
a LangChain chat model with the prompt in ``prompts/drafting/polish.j2`` and comes back as
fluent prose. The result replaces the template text only when it passes :func:`guard`:

* every number in it appears in the facts the paragraph cites (:func:`unsupported_numbers`);
* every number of the template text is still there (nothing dropped or changed);
* the leading list number (``1、`` ``（2）`` ``3.``) is unchanged, and the text is not empty.

Otherwise the template text stays and the draft's ``notes`` say why. Offline (no model
configured) nothing is polished: the template draft is the deliverable.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.drafting.document import CLAIM_KINDS, Block, Draft
from assistant.drafting.library import Library, load_library
from assistant.drafting.numbers import extract_numbers, unsupported_numbers

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["guard", "polish"]

_MARK = re.compile(r"^\s*(\d+[、.．]\s?|（\d+）|\(\d+\))")
_KIND_TEXT = {"review": "审核意见", "annual": "年度预算绩效管理情况报告"}


def guard(original: str, polished: str, allowed: set[str]) -> str | None:
    """Why ``polished`` may not replace ``original`` (None when it may)."""
    if not polished.strip():
        return "结果为空"
    bad = unsupported_numbers(polished, allowed)
    if bad:
        return f"出现所引事实中没有的数字：{'、'.join(bad)}"
    before = {n for _, n in extract_numbers(original)}
    after = {n for _, n in extract_numbers(polished)}
    lost = sorted(before - after)
    if lost:
        return f"删改了原有数字：{'、'.join(lost)}"
    m0, m1 = _MARK.match(original), _MARK.match(polished)
    if (m0.group(1).strip() if m0 else None) != (m1.group(1).strip() if m1 else None):
        return "段首序号被改动"
    if len(polished) > 3 * len(original) + 50:
        return "结果过长"
    return None


def _polishable(b: Block) -> bool:
    return b.kind in CLAIM_KINDS and bool(b.text) and not b.edited and b.role not in ("trace", "note")


def _content(message: object) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, list):  # content blocks
        content = "".join(c.get("text", "") if isinstance(c, dict) else str(c) for c in content)
    return str(content).strip().strip("`").strip()


def polish(draft: Draft, llm: BaseChatModel, *, library: Library | None = None) -> Draft:
    """A polished copy of ``draft`` (see the module docstring); ``draft`` itself is not changed."""
    from langchain_core.messages import HumanMessage, SystemMessage

    lib = library or load_library()
    out = Draft.from_dict(draft.to_dict())
    kind_text = _KIND_TEXT.get(draft.kind, "公文")
    for b in out.blocks:
        if not _polishable(b):
            continue
        prompt = lib.render("polish.j2", kind_text=kind_text, text=b.text)
        system, _, user = prompt.partition("===USER===")
        try:
            reply = llm.invoke([SystemMessage(system.strip()), HumanMessage(user.strip())])
        except Exception as err:  # a model error must not lose the draft
            out.notes.append(f"{b.key}：润色失败（{type(err).__name__}），保留模板文字")
            continue
        text = _content(reply)
        reason = guard(b.text, text, out.allowed_numbers(b))
        if reason:
            out.notes.append(f"{b.key}：润色结果未采用（{reason}）")
            continue
        b.text, b.polished = text, True
    out.meta["polished"] = True
    return out
