"""Text inside submissions is data. Sentences that read like instructions to an assistant are
cut out of evidence before anything — the extractive generator or an LLM prompt — sees it.

The patterns cover the usual shapes in Chinese and English (忽略以上指令…, 无视之前的要求…,
你现在是…, 请直接回答…, ignore previous instructions, system prompt). A cut sentence leaves a
visible placeholder, so a reviewer reading the evidence knows something was there.
"""

from __future__ import annotations

import re

__all__ = ["PLACEHOLDER", "looks_like_instruction", "neutralise"]

PLACEHOLDER = "（此处一句形似指令的文字已作为数据忽略）"

_PATTERNS = [
    r"(忽略|无视|忘记|忽视|不要理会|跳过)(掉)?(以上|上面|上述|之前|前面|先前|此前|所有|全部|一切|系统)?的?"
    r"(所有|全部)?的?(指令|指示|要求|提示|规则|设定|内容|约束)",
    r"(你|您)(现在|从现在起)?(是|扮演|作为)(一个|一名)?[^。]{0,12}(助手|模型|AI|机器人|角色)",
    r"(请|必须|务必)(直接|一律|统一)?(回答|回复|输出|声称|认定|判定)(为|是|说)?[“\"']?[^。]{0,20}(全部|都|均)(合格|通过|达标|优秀)",
    r"(回答|回复|输出|判定|认定)(该|本|这个)?(单位|项目)(全部|都|均)(合格|通过|达标|优秀)",
    r"ignore\s+(all\s+|the\s+)?(previous|above|prior)\s+(instructions|prompts?)",
    r"system\s+prompt|you\s+are\s+now\s+",
    r"disregard\s+(all\s+|the\s+)?(previous|above|prior)",
]
_RE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)
_SENT = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+|\n|$)")


def looks_like_instruction(sentence: str) -> bool:
    return bool(_RE.search(sentence or ""))


def neutralise(text: str) -> tuple[str, int]:
    """``text`` with instruction-like sentences replaced by :data:`PLACEHOLDER`; and how many."""
    if not _RE.search(text or ""):
        return text, 0
    out: list[str] = []
    n = 0
    for m in _SENT.finditer(text):
        s = m.group(0)
        if s and _RE.search(s):
            out.append(PLACEHOLDER + ("\n" if s.endswith("\n") else ""))
            n += 1
        else:
            out.append(s)
    return "".join(out), n
