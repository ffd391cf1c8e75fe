import re

from odoo.tests import HttpCase, tagged

from .intake_common import VmiIntakeCommon

REPORT = "vmi_management.action_report_vmi_review"


@tagged("post_install", "-at_install")
class TestUndefinedKpis(VmiIntakeCommon, HttpCase):
    """A KPI the period leaves undefined is stored empty, shown as n/a without a
    verdict, and left out of averages; a KPI that is a real 0 stays 0.

    The agreement's six lines each report 20 on hand and nothing consumed over
    the last 30 days: no demand at all. Over the period, with one observed
    level per line (today's):

    - fill rate: 0 consumed ÷ 0 demanded: undefined;
    - inventory turns: 0 consumed ÷ 120 average on hand: a real 0;
    - days of supply: 120 on hand ÷ 0 a day: undefined;
    - stockout days: 0 (stock was observed every line-day);
    - forecast accuracy and bias: no day of the period had a forecast yet: undefined;
    - bullwhip ratio: consumption never varies: undefined;
    - on-time delivery: nothing delivered: undefined.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement.write({"target_fill_rate": 95.0, "target_inventory_turns": 12.0})
        cls.report_a_month_without_demand(cls.agreement)
        cls.env["vmi.replenishment"]._evaluate_now(cls.agreement)
        cls.buyer = cls.portal_user(cls.customer, "kpi_buyer")

    def rows(self):
        return {row["label"]: row for row in self.agreement._scorecard_rows()}

    def test_undefined_kpis_are_stored_empty(self):
        agreement = self.agreement
        self.assertTrue(agreement.kpi_date)
        for fname in (
            "kpi_fill_rate",
            "kpi_days_of_supply",
            "kpi_forecast_accuracy",
            "kpi_forecast_bias",
            "kpi_bullwhip_ratio",
            "kpi_on_time_rate",
        ):
            with self.subTest(kpi=fname):
                self.assertIsNone(agreement[fname])
        self.assertEqual(
            agreement.kpi_inventory_turns,
            0.0,
            "no consumption out of stock: zero turns",
        )
        self.assertIsNotNone(agreement.kpi_inventory_turns)
        self.assertEqual(agreement.kpi_stockout_days, 0)
        self.assertIsNotNone(agreement.kpi_stockout_days)
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT kpi_fill_rate, kpi_inventory_turns, kpi_days_of_supply,
                      kpi_stockout_days
                 FROM vmi_agreement WHERE id = %s""",
            [agreement.id],
        )
        self.assertEqual(
            self.env.cr.fetchone(), (None, 0, None, 0), "NULL in the column, not 0"
        )
        snapshots = self.env["vmi.kpi.snapshot"].search(
            [("agreement_id", "=", agreement.id)]
        )
        self.assertEqual(sorted(snapshots.mapped("period")), ["day", "week"])
        for snapshot in snapshots:
            self.assertEqual(
                (
                    snapshot.fill_rate,
                    snapshot.inventory_turns,
                    snapshot.days_of_supply,
                    snapshot.stockout_days,
                    snapshot.forecast_accuracy,
                ),
                (None, 0.0, None, 0, None),
            )
        agreement.invalidate_recordset()
        self.assertIsNone(
            agreement.kpi_fill_rate, "None read back from the database too"
        )
        self.assertEqual(
            agreement.read(["kpi_fill_rate"])[0]["kpi_fill_rate"],
            False,
            "the web client's empty",
        )

    def test_scorecard_rows_without_value_or_verdict(self):
        rows = self.rows()
        for label in (
            "Fill rate",
            "Days of supply",
            "Forecast accuracy",
            "On-time delivery",
        ):
            with self.subTest(kpi=label):
                self.assertEqual(
                    (
                        rows[label]["actual"],
                        rows[label]["text"],
                        rows[label]["on_target"],
                    ),
                    (None, "n/a", None),
                )
        self.assertEqual(
            (
                rows["Inventory turns"]["actual"],
                rows["Inventory turns"]["text"],
                rows["Inventory turns"]["on_target"],
            ),
            (0.0, "0", False),
            "0 turns against 12",
        )
        self.assertEqual(
            (rows["Stockout days"]["text"], rows["Stockout days"]["on_target"]),
            ("0", True),
        )

    def assertTableShowsNa(self, html):
        """The scorecard table in ``html`` reads n/a and no verdict for each undefined
        KPI, 0 and "no" for the turns."""

        def cells(label, shown, verdict):
            return (
                rf">{label}</td>\s*"
                rf"<td class=\"text-end\">{re.escape(shown)}\s*(/ year)?</td>\s*"
                rf"<td class=\"text-end\">[^<]*</td>\s*<td>{verdict}</td>"
            )

        for label in ("Fill rate", "Days of supply", "Forecast accuracy"):
            with self.subTest(kpi=label):
                self.assertRegex(html, cells(label, "n/a", ""))
        self.assertRegex(html, cells("Inventory turns", "0", "no"))

    def test_back_office_shows_na(self):
        self.assertTableShowsNa(str(self.agreement.kpi_scorecard))

    def test_review_shows_na(self):
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(REPORT, self.agreement.ids)[0]
            .decode()
        )
        self.assertTableShowsNa(html)

    def test_portal_shows_na(self):
        self.authenticate("kpi_buyer", "kpi_buyer-secret")
        page = self.url_open(f"/my/vmi/{self.agreement.id}").text

        def card(label):
            return re.search(
                rf'<div class="card h-100 ?([^"]*)">\s*<div class="card-body py-2">\s*'
                rf'<div class="small text-muted"[^>]*>{label}</div>\s*'
                rf'<div class="fs-4">\s*([^<]*?)\s*'
                rf'<small class="fs-6 text-muted">([^<]*)</small>',
                page,
            )

        for label in ("Fill rate", "Days of supply", "Forecast accuracy"):
            with self.subTest(kpi=label):
                self.assertEqual(
                    card(label).groups(), ("", "n/a", ""), "n/a, no unit, no warning"
                )
        self.assertEqual(
            card("Inventory turns").groups(),
            ("border-warning", "0", "/ year"),
            "0 turns against a target of 12 is off target",
        )

    def test_snapshot_average_leaves_out_undefined(self):
        """The day's snapshot of this agreement (fill rate undefined) and another's at
        80 %: the average is 80 %, as the pivot and graph read it, not 40 %."""
        Snapshot = self.env["vmi.kpi.snapshot"]
        ours = Snapshot.search(
            [("agreement_id", "=", self.agreement.id), ("period", "=", "day")]
        )
        other = self.intake_agreement(
            self.other_customer, "customer_owned", barcodes=("ZEN-N", "ZEN-S")
        )
        Snapshot.create(
            {
                "agreement_id": other.id,
                "period": "day",
                "date": ours.date,
                "fill_rate": 80.0,
                "inventory_turns": 6.0,
                "stockout_days": 3,
            }
        )
        domain = [("period", "=", "day"), ("date", "=", ours.date)]
        [(fill_rate, turns, supply, stockouts)] = Snapshot._read_group(
            domain,
            [],
            [
                "fill_rate:avg",
                "inventory_turns:avg",
                "days_of_supply:avg",
                "stockout_days:sum",
            ],
        )
        self.assertEqual(
            (fill_rate, turns, stockouts),
            (80.0, 3.0, 3),
            "turns: (0 + 6) ÷ 2, a real 0 counts",
        )
        self.assertFalse(supply, "no agreement has days of supply: no average")
        [group] = Snapshot.read_group(domain, ["fill_rate", "inventory_turns"], [])
        self.assertEqual(
            (group["fill_rate"], group["inventory_turns"]),
            (80.0, 3.0),
            "what the pivot reads",
        )
