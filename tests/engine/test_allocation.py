"""Sharing a short warehouse: hand-computed cases, then invariants on generated pools
(hypothesis)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vmi_management.engine.allocation import (
    Claim,
    allocate,
    apply_allotment,
    available_to_promise,
    largest_order,
)

EPS = 1e-6
TODAY = date(2026, 12, 7)


def by_key(allotments):
    return {allotment.key: allotment for allotment in allotments}


def test_ample_supply_changes_nothing():
    result = allocate(100, [Claim("A", 30, rate=1), Claim("B", 40, rate=2)])
    assert [(a.allotted, a.note, a.flags) for a in result] == [
        (30, "", ()),
        (40, "", ()),
    ]


def test_fair_share_brings_lines_to_the_same_days_of_supply():
    # A: position 10 at 2/day, B: position 0 at 1/day; level T with 2T − 10 + T = 40 → T
    # = 16.67: A 23.33, B 16.67; in whole units A 23 (16.5 days) and B 16, then the last
    # unit to B (cover 16 < 16.5)
    result = by_key(
        allocate(
            40,
            [
                Claim("A", 50, position=10, rate=2, multiple=1),
                Claim("B", 30, position=0, rate=1, multiple=1),
            ],
        )
    )
    assert (result["A"].allotted, result["B"].allotted) == (23, 17)
    assert result["A"].short == 27
    assert result["A"].note == (
        "allocated 23 of 50: warehouse short (40 available for 80 needed); tier 0, "
        "fair share to 16.5 days of supply"
    )
    assert "supply_short" in result["B"].flags
    assert result["B"].step.name == "after allocation" and result["B"].step.value == 17


def test_fraction_of_need_mode():
    result = allocate(
        40, [Claim("A", 50, rate=5), Claim("B", 30, rate=1)], mode="fraction"
    )
    assert [a.allotted for a in result] == [25, 15]
    assert result[0].note.endswith("fair share 50 % of the need")


def test_a_higher_tier_is_served_in_full_first():
    result = by_key(
        allocate(
            40,
            [
                Claim("low1", 20, rate=1, tier=1),
                Claim("high", 30, rate=1, tier=0),
                Claim("low2", 20, rate=1, tier=1),
            ],
        )
    )
    assert [result[key].allotted for key in ("high", "low1", "low2")] == [30, 5, 5]
    assert "tier 0 served in full" in result["high"].note
    assert result["high"].flags == ()


def test_a_lower_tier_gets_nothing_while_a_higher_one_is_short():
    result = by_key(
        allocate(
            20, [Claim("high", 30, rate=1, tier=0), Claim("low", 10, rate=1, tier=1)]
        )
    )
    assert (result["high"].allotted, result["low"].allotted) == (20, 0)
    assert "tier 1 comes after the tiers served first" in result["low"].note


def test_a_share_below_the_moq_goes_to_the_others():
    # three equal lines, 10 each is below the MOQ 12: one gets nothing, the two others
    # 15
    result = allocate(30, [Claim(key, 20, rate=1, moq=12) for key in "ABC"])
    assert sorted(a.allotted for a in result) == [0, 15, 15]
    dropped = next(a for a in result if not a.allotted)
    assert dropped.flags == ("supply_short", "below_moq_after_allocation")
    assert "below the MOQ 12" in dropped.note


def test_pack_multiples_are_kept():
    result = allocate(
        25, [Claim("A", 24, rate=1, multiple=6), Claim("B", 24, rate=1, multiple=6)]
    )
    assert [a.allotted for a in result] == [12, 12]


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="unknown fair share mode 'even'"):
        allocate(1, [Claim("A", 2)], mode="even")


def test_available_to_promise_protects_later_commitments():
    moves = [
        (TODAY + timedelta(days=1), -8),
        (TODAY + timedelta(days=2), 20),
        (TODAY + timedelta(days=3), -15),
    ]
    assert available_to_promise(10, moves, TODAY) == 2
    assert available_to_promise(10, moves, TODAY + timedelta(days=2)) == 7
    assert (
        available_to_promise(10, [(TODAY - timedelta(days=3), -4)], TODAY) == 6
    )  # overdue counts now
    assert available_to_promise(5, [(TODAY, -9)], TODAY) == 0


packs = st.one_of(st.none(), st.sampled_from([1.0, 5.0, 6.0, 12.0]))


@st.composite
def claims(draw):
    count = draw(st.integers(min_value=1, max_value=8))
    result = []
    for index in range(count):
        multiple = draw(packs)
        moq = draw(st.one_of(st.none(), st.floats(min_value=1, max_value=40)))
        need = draw(st.floats(min_value=1, max_value=200))
        need = max(need, moq or 0)
        if multiple:
            need = -(-need // multiple) * multiple
        result.append(
            Claim(
                index,
                need,
                position=draw(st.floats(min_value=-20, max_value=200)),
                rate=draw(st.sampled_from([0.0, 0.5, 1.0, 3.0, 10.0])),
                tier=draw(st.integers(0, 2)),
                moq=moq,
                multiple=multiple,
            )
        )
    return result


@settings(max_examples=400, deadline=None)
@given(
    st.floats(min_value=0, max_value=1000),
    claims(),
    st.sampled_from(["days_of_supply", "fraction"]),
)
def test_allocation_invariants(supply, pool, mode):
    result = allocate(supply, pool, mode)
    assert (
        sum(a.allotted for a in result) <= max(supply, sum(c.need for c in pool)) + EPS
    )
    if sum(c.need for c in pool) > supply:
        assert sum(a.allotted for a in result) <= supply + EPS
    for claim, allotment in zip(pool, result, strict=False):
        assert -EPS <= allotment.allotted <= claim.need + EPS
        if allotment.allotted and allotment.allotted < claim.need - EPS:
            assert allotment.allotted >= min(claim.moq or 0, claim.need) - EPS
            if claim.multiple:
                packs_given = allotment.allotted / claim.multiple
                assert abs(packs_given - round(packs_given)) < EPS
        if allotment.allotted < claim.need - EPS:
            assert "supply_short" in allotment.flags
            # nobody of a later tier gets anything while this tier is short
            assert all(
                not other.allotted for other in result if other.tier > claim.tier
            )


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=1, max_value=500),
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=100),
            st.floats(min_value=0.5, max_value=10),
            st.floats(min_value=1, max_value=300),
        ),
        min_size=2,
        max_size=6,
    ),
)
def test_fair_share_equalises_projected_days_of_supply(supply, specs):
    pool = [
        Claim(index, need, position=position, rate=rate)
        for index, (position, rate, need) in enumerate(specs)
    ]
    result = allocate(supply, pool)
    covers = [
        (c.position + a.allotted) / c.rate for c, a in zip(pool, result, strict=False)
    ]
    partial = [
        cover
        for cover, c, a in zip(covers, pool, result, strict=False)
        if EPS < a.allotted < c.need - EPS
    ]
    if partial:
        level = partial[0]
        assert all(abs(cover - level) < 1e-6 * max(1, level) for cover in partial)
        # a line left without any allocation already had at least that cover; a full one
        # stops below it
        for cover, c, a in zip(covers, pool, result, strict=False):
            if a.allotted <= EPS:
                assert cover >= level - 1e-6 * max(1, level)
            elif a.allotted >= c.need - EPS:
                assert cover <= level + 1e-6 * max(1, level)


def test_an_allotment_cuts_the_decision_and_explains_it(line):
    from vmi_management.engine import plan_line
    from vmi_management.engine.exceptions import line_exceptions

    decision = plan_line(line(on_hand=0, min_qty=10, max_qty=50))
    short = allocate(
        20, [Claim("A", decision.order_qty, rate=1), Claim("B", 50, rate=1)]
    )[0]
    cut = apply_allotment(decision, short)
    assert (decision.order_qty, cut.order_qty, cut.unallocated_qty) == (50, 10, 40)
    assert cut.steps[-1].name == "after allocation" and cut.reason.endswith(short.note)
    assert "supply_short" in cut.flags and "supply_short" in line_exceptions(cut, ())
    ample = allocate(100, [Claim("A", decision.order_qty, rate=1)])[0]
    assert apply_allotment(decision, ample) is decision


def test_largest_order_bounds_what_a_line_can_ask():
    assert largest_order("min_max", max_qty=50, moq=60, multiple=25) == 75
    assert largest_order("reorder_point", reorder_point=25, order_qty=10) == 30
    assert largest_order("days_of_supply") is None


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["min_max", "reorder_point"]),
    st.floats(0, 500),
    st.floats(0, 500),
    st.floats(1, 100),
    st.floats(0, 200),
    st.one_of(st.none(), st.floats(1, 80)),
    st.one_of(st.none(), st.sampled_from([1.0, 6.0])),
)
def test_no_decision_orders_more_than_the_largest_order(
    policy, on_hand, minimum, quantity, spread, moq, multiple
):
    from vmi_management.engine import LineInput, plan_line

    line = LineInput(
        product="P",
        location="L",
        on_hand=on_hand,
        policy=policy,
        min_qty=minimum,
        max_qty=minimum + spread,
        reorder_point=minimum,
        order_qty=quantity,
        moq=moq,
        multiple=multiple,
    )
    bound = largest_order(
        policy, line.max_qty, line.reorder_point, line.order_qty, moq, multiple
    )
    assert plan_line(line).order_qty <= bound + EPS
