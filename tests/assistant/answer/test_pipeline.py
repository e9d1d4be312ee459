"""The step pipeline: outputs declared by a NamedTuple, connections checked when it is built."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from assistant.answer.parser import PARSER
from assistant.answer.pipeline import Pipeline, Step


class Doubled(NamedTuple):
    n: int
    trace: list[str]


def double(n: int) -> Doubled:
    return Doubled(n * 2, [f"double {n}"])


class Added(NamedTuple):
    total: int


def add(n: int, m: int) -> Added:
    return Added(n + m)


def test_a_step_declares_its_inputs_and_outputs() -> None:
    step = Step.of(add)
    assert (step.name, step.inputs, step.outputs) == ("add", ("n", "m"), ("total",))


def test_steps_run_in_order_and_a_later_output_replaces_an_earlier_value() -> None:
    values = Pipeline(double, add, inputs=("n", "m")).run(n=3, m=1)
    assert values == {"n": 6, "m": 1, "trace": ["double 3"], "total": 7}


def test_an_input_nobody_makes_is_refused_when_the_pipeline_is_built() -> None:
    with pytest.raises(TypeError, match=r"step add needs \['m'\]"):
        Pipeline(double, add, inputs=("n",))


def test_a_step_without_declared_outputs_is_refused() -> None:
    def untyped(n: int):
        return n

    with pytest.raises(TypeError, match="NamedTuple"):
        Pipeline(untyped, inputs=("n",))


def test_run_needs_exactly_the_pipeline_inputs() -> None:
    with pytest.raises(TypeError, match="pipeline inputs"):
        Pipeline(double, inputs=("n",)).run(n=1, extra=2)


def test_the_parser_is_a_pipeline_of_named_steps() -> None:
    names = [s.name for s in PARSER.steps]
    assert names[0] == "normalise" and names[-1] == "build_query"
    assert "find_comparisons" in names and "find_ranking" in names
