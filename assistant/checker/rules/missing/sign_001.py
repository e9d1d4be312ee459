from assistant.checker.helpers.text import is_blank
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import KUNMINGCHI, SICHUAN


@register
class MissingSign001(Rule):
    """签章栏（项目负责人、财务负责人、实施单位盖章、单位主要负责人签批）有栏无签，或版式要求签章
    （profile ``signatures_required``，四川）而表中没有签章栏。

    Why:
        签章明确自评结果的责任人，是四川和市级样表的必填项。
    Bad:
        项目负责人：（空）　财务负责人：（空）
    Good:
        项目负责人：张三　财务负责人：李四
    """

    code = "MISSING-SIGN-001"
    title = "签章缺失"
    severity = "info"
    tag = "V"
    source = f"{SICHUAN}；{KUNMINGCHI}"
    kinds = ("project", "department")

    def check(self, ctx):
        signatures = ctx.ev.signatures
        signed = [k for k, v in signatures.items() if not is_blank(v)]
        if signed or not (signatures or ctx.profile.signatures_required):
            return
        if signatures:
            message = f"签章栏未签署：{'、'.join(signatures)}"
        else:
            message = f"表中没有签章（{'、'.join(ctx.profile.signature_labels[:2])}等）"
        yield self.finding(ctx, ctx.path("signatures"), message,
                           evidence="签章栏：" + ("；".join(f"{k}：{v or '（空）'}" for k, v in signatures.items()) or "未识别到"),
                           suggestion="由项目负责人、财务负责人签字，实施单位盖章。")
