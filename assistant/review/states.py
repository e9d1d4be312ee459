"""Where a submission stands in the review (issue 15 item 4): its states and the moves between them.

The graph is data (``states.yaml``): 待审 ``pending`` → 审核中 ``in_review`` → 通过 ``approved`` /
修改后通过 ``approved_with_changes`` / 退回重报 ``returned`` → 已重报 ``resubmitted`` → 审核中 … Only
the listed moves are allowed; anything else is a :class:`~assistant.review.errors.Conflict` (it does
not fit where the submission stands). Approving while 错误 findings are still 待定 needs a reason:
the approval then says why those errors do not stand in its way.

The records are changed by :meth:`assistant.stores.review.ReviewStore.transition`; this module only
says what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml

from assistant.review.errors import Conflict, Invalid

STATES_FILE = Path(__file__).with_name("states.yaml")

Stage = Literal["active", "waiting", "closed"]


@dataclass(frozen=True)
class State:
    code: str
    term: str  # the Chinese name a reviewer reads
    stage: Stage
    approval: bool = False


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    label: str  # the button's words
    reason_required: bool = False


@dataclass(frozen=True)
class Graph:
    states: dict[str, State]
    initial: str
    transitions: tuple[Transition, ...]

    def state(self, code: str) -> State:
        """The state called ``code``, or :class:`Invalid` naming the known ones."""
        try:
            return self.states[code]
        except KeyError:
            choices = "、".join(f"{s.term}（{s.code}）" for s in self.states.values())
            raise Invalid(f"未知的审核状态“{code}”，可选：{choices}") from None

    def moves_from(self, code: str) -> list[Transition]:
        return [t for t in self.transitions if t.source == code]

    def term(self, code: str) -> str:
        state = self.states.get(code)
        return state.term if state else code

    def codes(self, stage: Stage) -> list[str]:
        return [s.code for s in self.states.values() if s.stage == stage]


@cache
def graph() -> Graph:
    data = yaml.safe_load(STATES_FILE.read_text(encoding="utf-8"))
    states = {code: State(code=code, term=s["term"], stage=s["stage"], approval=bool(s.get("approval")))
              for code, s in data["states"].items()}
    moves = tuple(Transition(source=t["from"], target=t["to"], label=t["label"],
                             reason_required=bool(t.get("reason_required"))) for t in data["transitions"])
    for t in moves:  # a typo in the data file is found when it loads, not when a reviewer clicks
        if t.source not in states or t.target not in states:
            raise ValueError(f"{STATES_FILE.name}: unknown state in {t}")
    return Graph(states=states, initial=data["initial"], transitions=moves)


def allowed(source: str, target: str, *, reason: str | None, open_errors: int) -> Transition:
    """The move from ``source`` to ``target`` if it may be made now, else the refusal:
    :class:`Invalid` for an unknown state or a missing reason, :class:`Conflict` for a move the
    graph does not have. ``open_errors``: the submission's 错误 findings still 待定."""
    g = graph()
    to = g.state(target)
    g.state(source)
    move = next((t for t in g.moves_from(source) if t.target == target), None)
    if move is None:
        if source == target:
            raise Conflict(f"材料已处于“{to.term}”状态")
        options = "、".join(f"“{g.term(t.target)}”" for t in g.moves_from(source)) or "无"
        raise Conflict(f"不能从“{g.term(source)}”改为“{to.term}”；当前可改为：{options}")
    if move.reason_required and not reason:
        raise Invalid(f"从“{g.term(source)}”改为“{to.term}”须填写理由")
    if to.approval and open_errors and not reason:
        raise Invalid(f"仍有{open_errors}条错误类审核发现待定，{to.term}须填写理由（或先对这些发现作出决定）")
    return move
