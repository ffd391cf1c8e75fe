"""Quantities in explanations read at the precision of the product's unit; rates and
statistical factors keep 3 decimals (engine/formatting.py)."""

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vmi_management.engine import plan, plan_line
from vmi_management.engine.allocation import Claim, allocate
from vmi_management.engine.demand import Event
from vmi_management.engine.formatting import (
    _format_exact,
    format_number,
    format_qty,
    unit_decimals,
)
from vmi_management.engine.loads import LoadLimits, LoadLine, build_load
from vmi_management.engine.overrides import keep_override
from vmi_management.engine.projection import Receipt, project_stock
from vmi_management.engine.suggest import suggest_thresholds


@pytest.mark.parametrize(
    ("rounding", "decimals"),
    [
        (0.01, 2),
        (1.0, 0),
        (0.5, 1),
        (0.25, 2),
        (0.001, 3),
        (10.0, 0),
        (None, 2),
        (0, 2),
    ],
)
def test_a_units_rounding_gives_the_decimals_its_quantities_read_with(
    rounding, decimals
):
    assert unit_decimals(rounding) == decimals


@pytest.mark.parametrize(
    ("number", "rounding", "text"),
    [
        (35.002, 0.01, "35"),
        (142.885, 1.0, "143"),
        (0.0049, 0.01, "0"),
        (0.0049, None, "0"),
        (12.345, None, "12.35"),
        (12.5, 0.5, "12.5"),
        (2.5, 1.0, "3"),  # half up, as a planner rounds
        (1.2345, 0.001, "1.235"),
        (-0.001, 0.01, "0"),  # never "-0"
        (-3.0, None, "-3"),
        (1234567.891, 1.0, "1234568"),  # never an exponent
        (100.0, 1.0, "100"),  # trailing zeros of an integer stay
    ],
)
def test_a_quantity_reads_at_its_units_precision(number, rounding, text):
    assert format_qty(number, rounding) == text


def test_other_figures_keep_3_decimals():
    assert format_number(1 / 3) == "0.333"
    assert format_number(1.6448536269514722) == "1.645"
    assert format_number(-0.0001) == "0"
    assert format_number(6.66666, 1) == "6.7"


def test_a_tie_as_written_rounds_half_up():
    assert format_number(2.675, 2) == "2.68"  # the float is 2.67499999...
    assert format_number(-0.125, 2) == "-0.13"
    assert format_number(0.5, 0) == "1"


def test_a_large_number_reads_as_written_not_with_the_floats_binary_tail():
    assert format_number(8591355535.11, 6) == "8591355535.11"  # not ...535.110001
    assert format_number(27783114165222.914, 3) == "27783114165222.914"


@given(
    st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(-(10**7), 10**7).map(lambda units: units / 1000),
        st.integers(-(10**6), 10**6).map(lambda units: units / 8),
    ),
    st.integers(0, 6),
)
def test_the_fast_path_reads_as_decimal_half_up_does(number, decimals):
    assert format_number(number, decimals) == _format_exact(repr(number), decimals)


@given(st.integers(0, 6), st.integers(-(10**13), 10**13), st.integers(-3, 3))
def test_a_number_within_float_noise_of_a_tie_reads_as_written(decimals, units, ulps):
    """A few units in the last place either side of x.5 units, up to magnitudes where
    the float has no digits left that far."""
    number = (units + 0.5) / 10**decimals
    for __ in range(abs(ulps)):
        number = math.nextafter(number, math.copysign(math.inf, ulps))
    assert format_number(number, decimals) == _format_exact(repr(number), decimals)


@given(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    st.sampled_from([None, 1.0, 0.5, 0.1, 0.01, 0.001]),
)
def test_a_quantity_reads_within_half_its_last_decimal(number, rounding):
    text = format_qty(number, rounding)
    assert text != "-0" and "e" not in text.lower()
    assert not ("." in text and text.endswith("0"))
    assert abs(float(text) - number) <= 0.5 * 10 ** -unit_decimals(rounding) + 1e-6


def test_the_reason_reads_the_reorder_point_at_the_units_precision(line):
    decision = plan_line(
        line(
            policy="reorder_point",
            reorder_point=35.002,
            order_qty=12,
            on_hand=12,
            rounding=0.01,
        )
    )
    assert decision.reason == "position 12 < reorder point 35: 2 × order qty 12 = 24"
    # the figures themselves stay exact: only their text is rounded
    assert decision.trigger_level == 35.002


def test_a_unit_in_whole_units_reads_whole_quantities(line):
    decision = plan_line(line(on_hand=12, min_qty=35.002, max_qty=142.885, rounding=1))
    assert decision.reason == "position 12 < min 35: order up to max 143 = 131"
    raw = next(step for step in decision.steps if step.name == "raw need")
    assert raw.note == "max 143 − position 12"
    assert raw.value == pytest.approx(130.885)
    assert decision.order_qty == 131


def test_a_quantity_below_half_the_last_decimal_reads_0(line):
    decision = plan_line(line(on_hand=4, on_order=0.0049, rounding=0.01))
    assert decision.steps[0].note == "on hand 4 + on order 0 − committed 0"
    assert decision.reason == "position 4 < min 10: order up to max 50 = 46"


def test_without_a_rounding_quantities_read_with_2_decimals(line):
    [decision] = plan([line(on_hand=12, min_qty=35.002, max_qty=142.885)])
    assert decision.reason == "position 12 < min 35: order up to max 142.89 = 130.89"


def test_rates_and_days_keep_3_decimals_whatever_the_unit(line):
    decision = plan_line(
        line(
            policy="days_of_supply",
            target_days=5,
            lead_time_days=2.5,
            safety_stock_mode="days",
            safety_stock_value=2,
            demand=(1.0, 0.0, 0.0) * 10,  # the last 28 days: 9 / 28 a day
            forecast_method="moving_average",
            rounding=1,
        )
    )
    notes = {step.name: step.note for step in decision.steps}
    assert decision.demand_rate == pytest.approx(9 / 28)
    assert notes["lead-time demand"] == "0.321/day × 2.5 days"
    assert notes["safety stock"] == "2 days of cover × 0.321/day"
    assert notes["lead time"] == "2.5 days + buffer 0"
    assert decision.reason.startswith("position 0 < reorder point 1: ")


def test_a_statistical_safety_stock_keeps_its_factors(line):
    decision = plan_line(
        line(
            policy="days_of_supply",
            target_days=5,
            lead_time_days=4,
            safety_stock_mode="service_level",
            service_level=0.95,
            demand=(3.0, 5.0) * 14,
            forecast_method="moving_average",
            rounding=1,
        )
    )
    assert decision.steps[4].note == (
        "z(0.95) = 1.645 × √(LT 4 × σd 1.018² + d 4² × σLT 0²)"
    )


def test_moq_multiple_and_capacity_read_at_the_units_precision(line):
    decision = plan_line(
        line(
            on_hand=2.004,
            max_qty=30,
            moq=29.96,
            multiple=7.5,
            capacity=30.333,
            rounding=0.1,
        )
    )
    assert decision.reason == (
        "position 2 < min 10: order up to max 30 = 28; raised to MOQ 30; "
        "rounded up to pack of 7.5 = 30; capped by capacity 30.3 to 22.5; "
        "below the MOQ 30"
    )
    assert decision.steps[-1].note == (
        "room 28.3: capacity 30.3 − on hand 2 − on order 0"
    )


def test_an_event_uplift_reads_at_the_units_precision(line):
    decision = plan_line(
        line(
            policy="days_of_supply",
            target_days=3,
            lead_time_days=2,
            demand=(10.0,) * 28,
            forecast_method="moving_average",
            events=(Event("promo", start=0, end=1, factor=1.33333),),
            rounding=1,
        )
    )
    assert "promo +7" in decision.steps[3].note


def test_a_planner_override_reads_at_the_units_precision(line):
    decision = plan_line(line(on_hand=2, min_qty=10, max_qty=50))  # proposes 48
    kept = keep_override(
        decision, planner_qty=30.004, proposed_qty=45.4, tolerance=0.2, rounding=1
    )
    assert kept.steps[-1].note == (
        "the planner's 30 kept (proposed 45, now 48: moved 5.7 %, within 20 %)"
    )


def test_an_allotment_reads_at_the_units_precision():
    claims = [
        Claim("A", 50.004, position=0, rate=1, rounding=0.01),
        Claim("B", 100.0, position=0, rate=1, rounding=0.01),
    ]
    short = allocate(60.0049, claims)[0]
    assert short.note.startswith(
        "allocated 30 of 50: warehouse short (60 available for 150 needed)"
    )


def test_a_load_note_reads_the_lines_quantity_at_its_units_precision():
    lines = [LoadLine("A", 10, position=0, rate=1, target=30, value=10, rounding=1)]
    quantities, notes, __ = build_load(lines, LoadLimits(min_value=200.5))
    assert quantities == {"A": 21}
    assert notes["A"] == (
        "pulled forward 11 so the delivery reaches its minimum (value 200.5): now "
        "value 210"
    )


def test_a_receipt_in_the_projection_reads_at_the_units_precision(line):
    today = date(2026, 3, 2)
    projection = project_stock(
        line(on_hand=50, rounding=1),
        today,
        [Receipt(today + timedelta(days=1), 40.4, "WH/OUT/7")],
    )
    assert projection.rows[1].events == "WH/OUT/7 +40"


def test_suggested_thresholds_read_at_the_units_precision(line):
    suggestion = suggest_thresholds(
        line(
            lead_time_days=3,
            demand=(2_000_000.0,) * 28,
            rounding=0.5,
        ),
        review_days=0.75,
    )
    # 6,000,000 a lead time and 1,500,000 a review: no exponent
    assert suggestion.steps[-1].value == "6000000 / 7500000"
