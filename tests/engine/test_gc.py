import gc
import weakref

import pytest

from vmi_management.engine.gc import young_gc_only


class Node:
    """An object that can be part of a reference cycle, and weakly referenced."""

    def __init__(self):
        self.other = None


@pytest.fixture
def collections():
    """The generations the collector starts collecting, while the test runs."""
    generations = []

    def note(phase, info):
        if phase == "start":
            generations.append(info["generation"])

    was_enabled, thresholds = gc.isenabled(), gc.get_threshold()
    gc.enable()
    gc.callbacks.append(note)
    yield generations
    gc.callbacks.remove(note)
    gc.set_threshold(*thresholds)
    (gc.enable if was_enabled else gc.disable)()


def test_a_block_collects_young_garbage_cycles_and_never_an_older_generation(
    collections,
):
    with young_gc_only():
        kept = [Node() for __ in range(20 * gc.get_threshold()[0])]
        first, second = Node(), Node()
        first.other, second.other = second, first  # garbage once unnamed
        probe = weakref.ref(first)
        del first, second
        kept += [Node() for __ in range(5 * gc.get_threshold()[0])]
        assert probe() is None, "a young cycle is freed in the block"
        seen = list(collections)
    assert seen, "the youngest generation is collected in the block"
    assert set(seen) == {0}
    assert len(kept) > 0


def test_the_thresholds_come_back_after_the_block_even_on_error(collections):
    gc.set_threshold(500, 7, 9)
    with pytest.raises(ValueError), young_gc_only():
        assert gc.isenabled()
        assert gc.get_threshold()[0] == 500
        raise ValueError("an error in the block")
    assert gc.get_threshold() == (500, 7, 9)
    assert gc.isenabled()


def test_a_paused_or_already_held_collector_is_left_as_it_is(collections):
    gc.disable()
    thresholds = gc.get_threshold()
    with young_gc_only():
        assert not gc.isenabled()
        assert gc.get_threshold() == thresholds
    assert not gc.isenabled(), "whoever paused it restarts it"
    gc.enable()
    with young_gc_only():
        held = gc.get_threshold()
        with young_gc_only():
            assert gc.get_threshold() == held
        assert gc.get_threshold() == held, "the inner block leaves the outer's hold"
