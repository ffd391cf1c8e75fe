"""Invariants of the policies, checked on generated lines (hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from vmi_management.engine import LineInput, plan_line, statistical_safety_stock

EPS = 1e-6
quantities = st.floats(
    min_value=0, max_value=10_000, allow_nan=False, allow_infinity=False
)
small = st.floats(min_value=0.5, max_value=500, allow_nan=False, allow_infinity=False)
optional = lambda strategy: st.one_of(st.none(), strategy)  # noqa: E731
demand = st.lists(
    st.floats(min_value=0, max_value=200, allow_nan=False), max_size=60
).map(tuple)


@st.composite
def lines(draw):
    policy = draw(st.sampled_from(["min_max", "reorder_point", "days_of_supply"]))
    minimum = draw(quantities)
    return LineInput(
        product="P",
        location="L",
        policy=policy,
        on_hand=draw(quantities),
        on_order=draw(quantities),
        committed=draw(quantities),
        min_qty=minimum,
        max_qty=minimum + draw(quantities),
        reorder_point=draw(quantities),
        order_qty=draw(small),
        target_days=draw(small),
        lead_time_days=draw(st.floats(min_value=0, max_value=60)),
        lead_time_std_days=draw(st.floats(min_value=0, max_value=10)),
        safety_stock_mode=draw(
            st.sampled_from([None, "fixed", "days", "service_level"])
        ),
        safety_stock_value=draw(st.floats(min_value=0, max_value=100)),
        service_level=draw(st.floats(min_value=0.5, max_value=0.999)),
        moq=draw(optional(small)),
        multiple=draw(optional(small)),
        capacity=draw(optional(quantities)),
        demand=draw(demand),
    )


@settings(max_examples=400, deadline=None)
@given(lines())
def test_never_orders_at_or_above_the_trigger(line):
    decision = plan_line(line)
    if decision.position >= decision.trigger_level:
        assert decision.order_qty == 0 and not decision.triggered


@settings(max_examples=400, deadline=None)
@given(lines())
def test_order_restores_the_position_unless_capped(line):
    decision = plan_line(line)
    if decision.triggered and "capacity_capped" not in decision.flags:
        # (s, Q) restores the position to at least s; the other policies fill up to
        # their target
        restored = (
            decision.trigger_level
            if line.policy == "reorder_point"
            else decision.target_level
        )
        assert decision.position + decision.order_qty >= restored - EPS * max(
            1, restored
        )


@settings(max_examples=400, deadline=None)
@given(lines())
def test_moq_and_pack_multiples_are_respected_unless_capped(line):
    decision = plan_line(line)
    if decision.order_qty > 0 and "capacity_capped" not in decision.flags:
        if line.moq:
            assert decision.order_qty >= line.moq - EPS
        if line.multiple:
            packs = decision.order_qty / line.multiple
            assert abs(packs - round(packs)) < 1e-6
    if "capacity_capped" in decision.flags and line.multiple and decision.order_qty:
        packs = decision.order_qty / line.multiple
        assert abs(packs - round(packs)) < 1e-6, "capped orders are still whole packs"


@settings(max_examples=400, deadline=None)
@given(lines())
def test_capacity_is_never_exceeded(line):
    decision = plan_line(line)
    assert decision.order_qty >= 0
    if line.capacity is not None:
        # capacity is physical: what is on the shelf (committed stock included) and on
        # its way
        physical = line.on_hand + line.on_order
        if physical <= line.capacity:
            assert physical + decision.order_qty <= line.capacity + EPS * max(
                1, line.capacity
            )
        else:
            assert decision.order_qty == 0


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=0.5, max_value=0.999),
    st.floats(min_value=0.5, max_value=0.999),
    st.floats(min_value=0, max_value=500),
    st.floats(min_value=0, max_value=100),
    st.floats(min_value=0, max_value=60),
    st.floats(min_value=0, max_value=10),
)
def test_higher_service_level_never_gives_lower_safety_stock(
    first, second, rate, std, lead_time, lead_time_std
):
    low, high = sorted((first, second))
    assert (
        statistical_safety_stock(low, rate, std, lead_time, lead_time_std)
        <= statistical_safety_stock(high, rate, std, lead_time, lead_time_std) + 1e-9
    )
