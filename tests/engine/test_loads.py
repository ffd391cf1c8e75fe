"""Load building: hand-computed deliveries, then invariants on generated ones
(hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from vmi_management.engine.loads import LoadLimits, LoadLine, build_load

EPS = 1e-6


def test_within_limits_nothing_changes():
    lines = [LoadLine("A", 10, value=50, weight=2)]
    assert build_load(lines, LoadLimits(min_value=500, max_weight=20)) == (
        {"A": 10},
        {},
        "",
    )
    assert build_load(lines, LoadLimits()) == ({"A": 10}, {}, "")


def test_the_line_closest_to_running_out_is_pulled_forward_in_packs():
    # 500 needed, 10 × 20 = 200 ordered: B (cover 2 days) before A (10 days) before C
    # (no demand)
    lines = [
        LoadLine("A", 10, position=100, rate=10, target=150, value=20, multiple=5),
        LoadLine("B", 0, position=4, rate=2, target=60, value=10, multiple=6, moq=12),
        LoadLine("C", 0, position=0, rate=0, value=100),
    ]
    quantities, notes, held = build_load(lines, LoadLimits(min_value=500))
    # covers: A 11 days, B 2, C never runs out. B gets its MOQ 12 (value 320, B covers 8
    # days), a pack of 6 (380, B 11 days), then A a pack of 5 (480, A 11.5 days), then B
    # another 6: 540 ≥ 500
    assert (quantities, held) == (
        {"A": 15, "B": 24, "C": 0},
        "",
    ), "C has no target level: never pulled forward"
    assert notes == {
        "A": (
            "pulled forward 5 so the delivery reaches its minimum (value 500): now "
            "value 540"
        ),
        "B": (
            "pulled forward 24 so the delivery reaches its minimum (value 500): now "
            "value 540"
        ),
    }


def test_a_minimum_out_of_reach_holds_the_delivery():
    lines = [LoadLine("A", 10, rate=1, target=40, value=20, room=12)]
    quantities, notes, held = build_load(lines, LoadLimits(min_value=500))
    assert quantities == {"A": 0}
    assert held == (
        "held: the delivery (value 240) stays below its minimum (value 500) with "
        "every line at its limit"
    )


def test_an_overweight_delivery_loses_packs_from_the_line_with_most_cover():
    lines = [
        LoadLine("A", 40, position=0, rate=1, weight=10, multiple=10),
        LoadLine("B", 40, position=100, rate=1, weight=10, multiple=10),
    ]
    quantities, notes, held = build_load(lines, LoadLimits(max_weight=600))
    assert quantities == {"A": 40, "B": 20}
    assert notes == {
        "B": (
            "trimmed by 20 so the delivery fits its maximum (weight 600): now weight "
            "600"
        )
    }


lines_strategy = st.lists(
    st.builds(
        LoadLine,
        key=st.uuids(),
        order_qty=st.sampled_from([0.0, 5.0, 12.0, 30.0]),
        position=st.floats(0, 100),
        rate=st.sampled_from([0.0, 1.0, 4.0]),
        target=st.floats(0, 300),
        value=st.floats(0, 50),
        weight=st.floats(0, 20),
        volume=st.floats(0, 2),
        moq=st.one_of(st.none(), st.sampled_from([6.0, 10.0])),
        multiple=st.one_of(st.none(), st.sampled_from([1.0, 6.0])),
        room=st.one_of(st.none(), st.floats(0, 200)),
    ),
    min_size=1,
    max_size=6,
)
limits_strategy = st.builds(
    LoadLimits,
    min_value=st.one_of(st.none(), st.floats(0, 2000)),
    max_weight=st.one_of(st.none(), st.floats(100, 3000)),
    max_volume=st.one_of(st.none(), st.floats(10, 300)),
)


@settings(max_examples=300, deadline=None)
@given(lines_strategy, limits_strategy)
def test_load_invariants(lines, limits):
    quantities, notes, held = build_load(lines, limits)
    total = {
        measure: sum(getattr(line, measure) * quantities[line.key] for line in lines)
        for measure in ("value", "weight", "volume")
    }
    if held:
        assert not any(quantities.values())
        return
    for line in lines:
        quantity = quantities[line.key]
        assert quantity >= -EPS
        if (
            quantity > line.order_qty + EPS
        ):  # pulled forward: whole packs, within the room, to the target
            assert line.room is None or quantity <= line.room + EPS
            assert (
                quantity
                <= max(line.target - line.position, line.moq or 0)
                + (line.multiple or 1)
                + EPS
            )
            added = quantity - line.order_qty
            if line.multiple and line.order_qty:
                assert abs(added / line.multiple - round(added / line.multiple)) < EPS
    if any(line.order_qty > 0 for line in lines):
        if limits.max_weight is not None:
            assert total["weight"] <= limits.max_weight + EPS
        if limits.max_volume is not None:
            assert total["volume"] <= limits.max_volume + EPS


def test_pallet_places_limit_a_delivery_too():
    # 12 a pallet: 40 units take 3.33 places; at most 3 places
    lines = [LoadLine("A", 40, rate=1, pallets=1 / 12, multiple=12)]
    quantities, notes, held = build_load(lines, LoadLimits(max_pallets=3))
    assert quantities == {"A": 28}
    assert notes["A"] == (
        "trimmed by 12 so the delivery fits its maximum (pallets 3): now pallets "
        "2.333"
    )


def test_no_line_is_pulled_forward_past_its_target_level():
    # A may go from 10 up to its target 30 (position 0): 20 more, value 400 + 200 = 600
    # < 1000: held
    lines = [LoadLine("A", 10, rate=1, target=30, value=20)]
    quantities, __, held = build_load(lines, LoadLimits(min_value=1000))
    assert quantities == {"A": 0} and "value 600" in held
