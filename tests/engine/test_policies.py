import gc

import pytest

from vmi_management.engine import (
    LineInput,
    plan,
    plan_line,
    policies,
    round_down,
    round_up,
)
from vmi_management.engine.i18n import translating


def test_position_is_on_hand_plus_on_order_minus_committed(line):
    decision = plan_line(line(on_hand=8, on_order=5, committed=4))
    assert decision.position == 9
    assert decision.order_qty == 41


def test_min_max_orders_up_to_max_below_min(line):
    decision = plan_line(line(on_hand=4))
    assert decision.triggered
    assert decision.trigger_level == 10 and decision.target_level == 50
    assert decision.raw_qty == 46 and decision.order_qty == 46
    assert decision.reason == "position 4 < min 10: order up to max 50 = 46"


def test_trigger_is_strict(line):
    at_min = plan_line(line(on_hand=10))
    assert not at_min.triggered and at_min.order_qty == 0
    assert at_min.reason == "position 10 ≥ min 10: no order"
    assert plan_line(line(on_hand=9.999)).order_qty == pytest.approx(40.001)


@pytest.mark.parametrize(
    ("on_hand", "expected"), [(25, 12), (5, 36), (6, 24), (18, 12), (30, 0)]
)
def test_reorder_point_orders_the_smallest_multiple_of_q_reaching_s(
    line, on_hand, expected
):
    decision = plan_line(
        line(policy="reorder_point", reorder_point=30, order_qty=12, on_hand=on_hand)
    )
    assert decision.order_qty == expected
    assert decision.position + decision.order_qty >= 30


def test_days_of_supply_from_forecast_lead_time_and_safety_stock(line):
    decision = plan_line(
        line(
            policy="days_of_supply",
            target_days=5,
            lead_time_days=2,
            lead_time_buffer_days=1,
            safety_stock_mode="fixed",
            safety_stock_value=4,
            demand=(3.0,) * 10,
            on_hand=10,
        )
    )
    assert decision.demand_rate == 3
    assert decision.lead_time_days == 3
    assert decision.trigger_level == 3 * 3 + 4
    assert decision.target_level == 3 * (3 + 5) + 4
    assert decision.order_qty == 28 - 10


def test_days_of_supply_without_history_orders_only_the_safety_stock(line):
    decision = plan_line(
        line(
            policy="days_of_supply",
            target_days=5,
            safety_stock_mode="fixed",
            safety_stock_value=6,
            on_hand=2,
        )
    )
    assert decision.order_qty == 4
    assert "no_demand_history" in decision.flags


def test_moq_then_multiple_then_capacity(line):
    decision = plan_line(
        line(on_hand=45, min_qty=50, max_qty=52, moq=10, multiple=4, capacity=100)
    )
    assert (
        decision.raw_qty,
        decision.qty_after_moq,
        decision.qty_after_multiple,
        decision.order_qty,
    ) == (7, 10, 12, 12)
    assert decision.reason == (
        "position 45 < min 50: order up to max 52 = 7; raised to MOQ 10; "
        "rounded up to pack of 4 = 12"
    )


def test_capacity_wins_over_moq_and_is_flagged(line):
    decision = plan_line(
        line(on_hand=45, min_qty=50, max_qty=52, moq=10, multiple=2, capacity=52)
    )
    assert decision.order_qty == 6
    assert decision.flags == (
        "no_demand_history",
        "capacity_capped",
        "below_moq_after_cap",
    )
    assert "capped by capacity 52 to 6" in decision.reason


def test_capacity_rounds_down_to_whole_packs(line):
    decision = plan_line(
        line(on_hand=0, min_qty=10, max_qty=50, multiple=12, capacity=40)
    )
    assert decision.order_qty == 36
    assert "capacity_capped" in decision.flags


def test_position_above_capacity_orders_nothing_but_says_so(line):
    decision = plan_line(
        line(on_hand=5, on_order=0, committed=0, min_qty=10, max_qty=50, capacity=4)
    )
    assert decision.order_qty == 0
    assert decision.triggered and "capacity_capped" in decision.flags


def test_rounding_to_the_unit_of_measure(line):
    assert plan_line(line(on_hand=4.25, rounding=1.0)).order_qty == 46
    assert plan_line(line(on_hand=4.25, rounding=0.1)).order_qty == pytest.approx(45.8)


def test_float_noise_never_adds_a_pack(line):
    assert round_up(0.1 + 0.2, 0.1) == pytest.approx(0.3)
    assert round_up(45.00000000001, 5) == 45
    assert round_down(44.99999999999, 5) == 45
    assert round_up(0.0, 5) == 0


def test_every_step_is_explained(line):
    decision = plan_line(line(on_hand=5, moq=10, multiple=5, capacity=80))
    names = [step.name for step in decision.steps]
    assert names == [
        "position",
        "demand rate",
        "lead time",
        "lead-time demand",
        "safety stock",
        "trigger",
        "target",
        "raw need",
        "after MOQ",
        "after pack multiple",
        "after capacity",
    ]
    assert all(step.note for step in decision.steps)
    data = decision.to_dict()
    assert data["steps"][0] == {
        "name": "position",
        "value": 5.0,
        "note": "on hand 5 + on order 0 − committed 0",
    }
    assert data["flags"] == ["no_demand_history"]


def test_plan_keeps_the_order_of_lines(line):
    decisions = plan([line(product="A", on_hand=1), line(product="B", on_hand=60)])
    assert [decision.product for decision in decisions] == ["A", "B"]
    assert [decision.order_qty for decision in decisions] == [49, 0]


def test_a_plan_decides_each_line_as_plan_line_does(line):
    """Lines of a plan share the steps made of the same terms (stock figures, lead
    time, history length), in the language the plan was made in."""
    lines = [
        line(product=product, on_hand=on_hand, lead_time_days=2, demand=(3.0,) * 14)
        for product, on_hand in enumerate((4, 4, 60, 4, 12.5))
    ]
    french = {
        "on hand %(on_hand)s + on order %(on_order)s − committed %(committed)s": (
            "en stock %(on_hand)s + en commande %(on_order)s − réservé %(committed)s"
        )
    }
    with translating(french.get):
        translated = plan(lines)
    decisions = plan(lines)
    assert decisions == [plan_line(item) for item in lines]
    assert decisions[0].steps[0] is decisions[1].steps[0]
    assert translated[1].steps[0].note == "en stock 4 + en commande 0 − réservé 0"
    assert decisions[1].steps[0].note == "on hand 4 + on order 0 − committed 0"


def test_a_plan_holds_the_collector_to_young_objects_and_lets_it_go(line, monkeypatch):
    during = []
    decide = policies._decide
    monkeypatch.setattr(
        policies,
        "_decide",
        lambda *args: during.append((gc.isenabled(), gc.get_threshold()))
        or decide(*args),
    )
    thresholds = gc.get_threshold()
    plan([line(), line()])
    assert len(during) == 2
    for enabled, held in during:
        assert enabled
        assert held[0] == thresholds[0], "the youngest generation is collected"
        assert held[1] > 1_000_000, "older ones are not"
    assert gc.get_threshold() == thresholds


def test_capacity_counts_committed_stock_still_on_the_shelf(line):
    """On hand 90, of which 50 committed, capacity 100: only 10 more fit, not 60."""
    decision = plan_line(
        line(on_hand=90, committed=50, min_qty=50, max_qty=100, capacity=100)
    )
    assert decision.position == 40
    assert decision.raw_qty == 60
    assert decision.order_qty == 10
    assert "capacity_capped" in decision.flags
    assert decision.steps[-1].note == "room 10: capacity 100 − on hand 90 − on order 0"


def test_capacity_counts_stock_on_order(line):
    decision = plan_line(
        line(on_hand=20, on_order=30, min_qty=60, max_qty=100, capacity=80)
    )
    assert decision.order_qty == 30


def test_an_order_cut_below_the_moq_by_capacity_says_both(line):
    decision = plan_line(line(on_hand=30, min_qty=40, max_qty=45, moq=20, capacity=40))
    assert decision.order_qty == 10
    assert {"capacity_capped", "below_moq_after_cap"} <= set(decision.flags)
    assert decision.reason.endswith("capped by capacity 40 to 10; below the MOQ 20")


def test_the_lead_time_buffer_adds_demand_once(line):
    """LT 4 days + buffer 2, demand 10/day with σ 2 (alternating 8, 12), 95 %.

    Lead-time demand covers the 6 days; the safety stock's variability is
    that of the 4-day lead time: σd² = 28 × 2² / 27 = 4.1481, so
    z(0.95) × √(4 × σd²) = 1.6449 × 4.0734 = 6.700 (6 days would give 8.206).
    """
    demand = (8.0, 12.0) * 14
    decision = plan_line(
        line(
            policy="days_of_supply",
            target_days=7,
            lead_time_days=4,
            lead_time_buffer_days=2,
            safety_stock_mode="service_level",
            service_level=0.95,
            demand=demand,
            on_hand=0,
        )
    )
    assert decision.lead_time_days == 6
    assert decision.lead_time_demand == pytest.approx(60.0)
    assert decision.demand_std == pytest.approx(2.0367, abs=1e-4)
    assert decision.safety_stock == pytest.approx(6.700, abs=1e-3)
    assert decision.trigger_level == pytest.approx(60.0 + decision.safety_stock)


def test_the_rate_is_measured_over_the_days_with_data_only(line):
    """14 days of reports at 6 a day: the rate is 6, not 6 × 14 / 28, and the
    explanation says 14 days."""
    decision = plan_line(
        line(
            policy="days_of_supply",
            target_days=5,
            lead_time_days=2,
            demand=(6.0,) * 14,
            on_hand=10,
        )
    )
    assert decision.demand_rate == 6
    assert (
        decision.steps[1].note == "moving average (window 28) over 14 days of history"
    )
    assert decision.order_qty == 6 * 7 - 10


def test_a_line_without_any_day_of_data_says_so(line):
    decision = plan_line(line(on_hand=5))
    assert decision.steps[1].note == "no history: no day with data yet"
    assert "no_demand_history" in decision.flags


def test_a_delivery_calendar_sets_the_lead_time_and_the_horizon(line):
    # 2 a day; lead time 1 day, but the site takes deliveries in 3 days and then in 7
    base = line(
        policy="days_of_supply",
        on_hand=5,
        target_days=2,
        lead_time_days=1,
        demand=(2.0,) * 14,
    )
    plain = plan_line(base)
    assert (plain.lead_time_days, plain.trigger_level, plain.target_level) == (1, 2, 6)
    assert plain.order_qty == 0
    calendar = plan_line(
        LineInput(
            **{
                **{name: getattr(base, name) for name in base.__slots__},
                "delivery_days": (3, 7),
            }
        )
    )
    assert (calendar.lead_time_days, calendar.trigger_level, calendar.target_level) == (
        3,
        6,
        14,
    )
    assert (
        calendar.order_qty == 9
    ), "5 on hand do not last the 3 days; it orders to last 7 days: 14 − 5"
    assert "the next delivery day is in 3 days" in calendar.steps[2].note
    assert "to the delivery after next, in 7 days" in calendar.reason
