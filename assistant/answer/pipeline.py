"""A pipeline of small named steps, in the manner of Haystack 2 components.

A step is a plain function: its parameters are its inputs, and its return annotation — a
``NamedTuple`` — declares its outputs. A :class:`Pipeline` runs its steps in order over one pool
of named values: each step is called with the values its parameters name, and its outputs are
added to the pool (replacing a value of the same name). A value several steps refine — the
question text with the spans already read blanked out, the filters found so far — is an input
and an output of each of them.

The connections are checked when the pipeline is built: an input that is neither given to
:meth:`Pipeline.run` nor made by an earlier step is an error at import, not on some question.
Each step stays a function that a test calls alone with its inputs.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Pipeline", "Step"]


@dataclass(frozen=True)
class Step:
    name: str
    fn: Callable[..., tuple]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]

    @classmethod
    def of(cls, fn: Callable[..., tuple]) -> Step:
        """The step a function is: inputs from its parameters, outputs from its NamedTuple return type."""
        outputs = getattr(typing.get_type_hints(fn).get("return"), "_fields", None)
        if outputs is None:
            raise TypeError(f"step {fn.__name__}: its return annotation must be a NamedTuple (its outputs)")
        return cls(fn.__name__, fn, tuple(inspect.signature(fn).parameters), tuple(outputs))


class Pipeline:
    """Steps run in order over a pool of named values (see the module docstring)."""

    def __init__(self, *steps: Callable[..., tuple], inputs: tuple[str, ...]) -> None:
        self.inputs = inputs
        self.steps = tuple(Step.of(fn) for fn in steps)
        known = set(inputs)
        for step in self.steps:
            missing = [name for name in step.inputs if name not in known]
            if missing:
                raise TypeError(f"step {step.name} needs {missing}: neither a pipeline input nor an earlier step's output")
            known.update(step.outputs)

    def run(self, **values: Any) -> dict[str, Any]:
        """Every value of the pool after the last step."""
        if set(values) != set(self.inputs):
            raise TypeError(f"pipeline inputs are {list(self.inputs)}, given {sorted(values)}")
        for step in self.steps:
            values.update(step.fn(**{name: values[name] for name in step.inputs})._asdict())
        return values
