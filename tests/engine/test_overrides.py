"""A planner's quantity on a proposal stands while the need stays within the
tolerance."""

from vmi_management.engine import plan_line
from vmi_management.engine.overrides import keep_override


def test_the_planners_quantity_is_kept_within_tolerance(line):
    decision = plan_line(line(on_hand=2, min_qty=10, max_qty=50))  # proposes 48
    kept = keep_override(decision, planner_qty=30, proposed_qty=45, tolerance=0.2)
    assert kept.order_qty == 30
    assert kept.steps[-1].name == "planner override"
    assert (
        kept.steps[-1].note
        == "the planner's 30 kept (proposed 45, now 48: moved 6.7 %, within 20 %)"
    )
    assert "planner_override" in kept.flags


def test_a_need_that_moved_beyond_tolerance_replaces_the_planners_quantity(line):
    decision = plan_line(line(on_hand=0, min_qty=40, max_qty=100))  # proposes 100
    replaced = keep_override(decision, planner_qty=30, proposed_qty=50, tolerance=0.2)
    assert replaced.order_qty == 100
    assert replaced.reason.endswith(
        "the planner's 30 replaced (proposed 50, now 100: moved 100 %, beyond 20 %)"
    )
    assert "planner_override" not in replaced.flags


def test_a_need_that_is_gone_replaces_it_too(line):
    decision = plan_line(line(on_hand=60, min_qty=10, max_qty=50))  # proposes nothing
    assert (
        keep_override(
            decision, planner_qty=30, proposed_qty=50, tolerance=0.2
        ).order_qty
        == 0
    )
