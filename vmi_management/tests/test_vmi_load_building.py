from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestLoadBuilding(VmiCommon):
    """A site's delivery is topped up to its minimum value, held when it cannot be,
    trimmed to its maximum weight."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # customer-owned stock: sale orders, valued at the sales price (gloves 10, masks
        # 5, wipes 3)
        cls.agreement = cls.create_agreement(
            partner_id=cls.other_customer.id, ownership="customer_owned"
        )
        cls.agreement.action_create_site_locations()
        site = cls.agreement.location_ids
        cls.agreement.line_ids = [
            Command.create(
                cls.line_vals(cls.agreement, product_id=product.id, **values)
            )
            for product, values in (
                (cls.gloves, {"min_qty": 10, "max_qty": 30}),
                (cls.masks, {"min_qty": 10, "max_qty": 40, "pack_multiple": 10}),
                (cls.wipes, {"min_qty": 10, "max_qty": 60, "pack_multiple": 20}),
            )
        ]
        cls.agreement.action_activate()
        cls.report = {
            cls.gloves: 0.0,
            cls.masks: 30.0,
            cls.wipes: 50.0,
        }  # only gloves below min
        cls.site = site

    def evaluate_with_report(self, consumed=None):
        """Report the stock (and what was consumed over the last 30 days), evaluate, and
        return the order."""
        consumed = consumed or {}
        today = fields.Date.today()
        report = self.env["vmi.stock.report"].create(
            {
                "agreement_id": self.agreement.id,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "location_id": self.site.id,
                            "quantity_on_hand": quantity,
                            "quantity_consumed": consumed.get(product, 0.0),
                            "date_period_start": today - timedelta(days=30),
                            "date_period_end": today - timedelta(days=1),
                        }
                    )
                    for product, quantity in self.report.items()
                ],
            }
        )
        report.action_process()
        self.evaluate(self.agreement)
        return {
            line.product_id: line.product_uom_qty
            for line in self.agreement.sale_order_ids.order_line
        }

    def line(self, product):
        return self.agreement.line_ids.filtered(lambda line: line.product_id == product)

    def test_within_limits_the_order_is_what_the_lines_need(self):
        self.agreement.load_min_value = 300.0
        self.assertEqual(self.evaluate_with_report(), {self.gloves: 30})

    def test_a_small_order_is_topped_up_with_the_lines_closest_to_their_trigger(self):
        # gloves 30 × 10 = 300 < 400. Consumption a day: gloves 1, masks 2, wipes 1 →
        # after the gloves' order, masks last 15 days, gloves 30, wipes 50: masks first,
        # a pack of 10 up to their max 40 (350), then wipes, a pack of 20 up to their
        # max 60 (410)
        self.agreement.load_min_value = 400.0
        consumed = {self.gloves: 30.0, self.masks: 60.0, self.wipes: 30.0}
        self.assertEqual(
            self.evaluate_with_report(consumed),
            {self.gloves: 30, self.masks: 10, self.wipes: 20},
        )
        self.assertIn(
            "pulled forward 10 so the delivery reaches its minimum (value 400): now "
            "value 410",
            self.line(self.masks).last_decision_reason,
        )
        self.assertEqual(
            self.line(self.masks).last_decision["steps"][-1]["name"], "load building"
        )
        self.assertNotIn("pulled forward", self.line(self.gloves).last_decision_reason)

    def test_without_demand_the_least_full_line_is_pulled_forward_first(self):
        # gloves full at 30 of 30; masks 30 of 40, wipes 50 of 60: masks a pack (350),
        # then wipes a pack (410)
        self.agreement.load_min_value = 400.0
        self.assertEqual(
            self.evaluate_with_report(),
            {self.gloves: 30, self.masks: 10, self.wipes: 20},
        )

    def test_a_minimum_out_of_reach_holds_the_delivery(self):
        # the site holds no more than the max: gloves 30, masks 10 more (a pack), wipes
        # not a pack of 20
        for product, capacity in (
            (self.gloves, 30.0),
            (self.masks, 40.0),
            (self.wipes, 60.0),
        ):
            self.line(product).capacity = capacity
        self.agreement.load_min_value = 1000.0
        self.assertEqual(self.evaluate_with_report(), {})
        self.assertIn(
            "held: the delivery (value 350) stays below its minimum (value 1000) with "
            "every line at its limit",
            self.line(self.gloves).last_decision_reason,
        )
        self.assertEqual(self.line(self.gloves).last_order_qty, 0)

    def test_a_heavy_order_is_trimmed_from_the_lines_with_most_cover(self):
        self.gloves.weight, self.masks.weight = 1.0, 2.0
        self.report = {self.gloves: 0.0, self.masks: 0.0, self.wipes: 50.0}
        self.agreement.load_max_weight = 90.0
        # needs: gloves 30 (30 kg), masks 40 (80 kg): 110 kg. At 1 glove and 10 masks a
        # day, the gloves last 30 days and the masks 4: the gloves give up 20, a unit at
        # a time (10 days left, still the most)
        consumed = {self.gloves: 30.0, self.masks: 300.0}
        self.assertEqual(
            self.evaluate_with_report(consumed), {self.gloves: 10, self.masks: 40}
        )
        self.assertIn(
            "trimmed by 20 so the delivery fits its maximum (weight 90): now weight 90",
            self.line(self.gloves).last_decision_reason,
        )

    def test_pallet_places_from_the_pallet_packaging(self):
        pallet = self.env["stock.package.type"].create({"name": "Euro pallet"})
        self.env["product.packaging"].create(
            {
                "name": "Pallet of 20",
                "product_id": self.gloves.id,
                "qty": 20.0,
                "package_type_id": pallet.id,
            }
        )
        self.agreement.write(
            {"pallet_package_type_id": pallet.id, "load_max_pallets": 1.0}
        )
        # 30 gloves take 1.5 pallets: trimmed to 20
        self.assertEqual(self.evaluate_with_report(), {self.gloves: 20})
        self.assertIn(
            "trimmed by 10 so the delivery fits its maximum (pallets 1): now pallets 1",
            self.line(self.gloves).last_decision_reason,
        )

    def test_nothing_is_pulled_forward_past_what_the_warehouse_has(self):
        short = self.env["stock.warehouse"].create(
            {"name": "Short Loads", "code": "SHLD"}
        )
        self.agreement.warehouse_id = short
        self.add_stock(self.gloves, short.lot_stock_id, 10.0)
        self.add_stock(self.wipes, short.lot_stock_id, 1000.0)
        self.agreement.load_min_value = 150.0
        consumed = {self.gloves: 30.0, self.masks: 60.0, self.wipes: 30.0}
        # gloves get the 10 the warehouse has (100); masks, closest to running out, are
        # not in the warehouse; wipes are: a pack of 20 (160)
        self.assertEqual(
            self.evaluate_with_report(consumed), {self.gloves: 10, self.wipes: 20}
        )
