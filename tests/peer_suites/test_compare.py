"""The rules by which CI decides that vmi_management broke one of Odoo's own tests."""

import pytest

from tests.peer_suites.compare import (
    confirmed_breakage,
    counts,
    failing_only_with,
    tag_for,
)

STOCK = "odoo.addons.stock.tests.test_move.StockMove"


def test_a_test_failing_both_ways_is_not_the_addons_doing():
    with_addon = {
        f"{STOCK}.test_a": "failed",
        f"{STOCK}.test_b": "failed",
        f"{STOCK}.test_c": "passed",
    }
    without = {
        f"{STOCK}.test_a": "failed",
        f"{STOCK}.test_b": "passed",
        f"{STOCK}.test_c": "failed",
    }
    assert failing_only_with(with_addon, without) == [f"{STOCK}.test_b"]


def test_a_set_up_failing_only_with_the_addon_counts():
    class_failure = f"setUpClass ({STOCK})"
    assert failing_only_with(
        {class_failure: "failed"}, {f"{STOCK}.test_a": "passed"}
    ) == [class_failure]


def test_a_skipped_test_is_not_a_failure():
    assert (
        failing_only_with({f"{STOCK}.test_a": "skipped"}, {f"{STOCK}.test_a": "passed"})
        == []
    )


def test_counts():
    assert counts({"a": "passed", "b": "failed", "c": "skipped", "d": "failed"}) == (
        4,
        2,
        1,
    )


@pytest.mark.parametrize(
    ("test_id", "tag"),
    [
        (f"{STOCK}.test_in_1", "/stock:StockMove.test_in_1"),
        (
            "odoo.addons.sale_stock.tests.test_sale_stock.TestSaleStock.test_00",
            "/sale_stock:TestSaleStock.test_00",
        ),
        (f"setUpClass ({STOCK})", "/stock:StockMove"),
        (f"tearDownClass ({STOCK})", "/stock:StockMove"),
        ("setUpModule (odoo.addons.purchase_stock.tests.test_x)", "/purchase_stock"),
    ],
)
def test_tags_select_just_the_test(test_id, tag):
    assert tag_for(test_id) == tag


def test_a_foreign_test_id_is_refused():
    with pytest.raises(ValueError, match="not a test of an Odoo addon"):
        tag_for("tests.engine.test_policies.test_x")


def test_only_failures_that_repeat_with_and_not_without_are_held_against_the_addon():
    suspects = ["flaky", "broken", "order_dependent", "not_rerun"]
    retry_with = {"flaky": "passed", "broken": "failed", "order_dependent": "failed"}
    retry_without = {
        "flaky": "passed",
        "broken": "passed",
        "order_dependent": "failed",
        "not_rerun": "passed",
    }
    assert confirmed_breakage(suspects, retry_with, retry_without) == [
        "broken",
        "not_rerun",
    ]
