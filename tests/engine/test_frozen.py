"""Value objects built by frozen(): a dataclass's behaviour, with a quicker __init__."""

import dataclasses
import inspect
import pickle

import pytest

from vmi_management.engine import Step
from vmi_management.engine.frozen import frozen


def test_the_init_keeps_the_dataclass_signature():
    assert str(inspect.signature(Step)) == (
        "(name: str, value: float | str | None, note: str = '')"
    )
    assert Step("a", 1.0) == Step(name="a", value=1.0, note="")
    with pytest.raises(TypeError):
        Step("a")
    with pytest.raises(TypeError):
        Step("a", 1.0, "note", "one too many")
    with pytest.raises(TypeError):
        Step("a", 1.0, colour="red")


def test_the_object_stays_frozen_hashable_and_picklable():
    step = Step("a", 1.0, "note")
    assert type(step) is Step  # not the twin class its slots were assigned through
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.value = 2.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        del step.note
    assert hash(step) == hash(Step("a", 1.0, "note"))
    assert pickle.loads(pickle.dumps(step)) == step
    assert dataclasses.replace(step, note="other") == Step("a", 1.0, "other")


def test_make_builds_the_same_frozen_object_as_the_class():
    step = Step.make("a", 1.0)
    assert type(step) is Step
    assert step == Step("a", 1.0, "") == Step.make(name="a", value=1.0, note="")
    assert str(inspect.signature(Step.make)) == str(inspect.signature(Step))
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.note = "changed"
    with pytest.raises(TypeError):
        Step.make("a")
    assert pickle.loads(pickle.dumps(step)) == step


def test_a_field_the_init_cannot_set_plainly_is_refused():
    with pytest.raises(TypeError, match="not supported"):

        @frozen
        class Listed:
            values: list = dataclasses.field(default_factory=list)
