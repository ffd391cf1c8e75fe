import gc
import json
import math
from datetime import date

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..tools import read_group_rows, unnest_columns, young_gc_only


@tagged("post_install", "-at_install")
class TestBulkColumns(TransactionCase):
    """Column arrays sent as array literals come back from PostgreSQL exactly as they
    were given."""

    def roundtrip(self, columns):
        names, arrays = unnest_columns(columns)
        self.env.cr.execute(SQL("SELECT * FROM unnest(%s) AS rows(%s)", arrays, names))
        return [list(column) for column in zip(*self.env.cr.fetchall(), strict=False)]

    def test_every_column_type_round_trips(self):
        texts = [
            "plain",
            "comma, and {braces}",
            'quote " and \\ backslash',
            "",
            " spaced ",
            "NULL",
            "é ✓ 日本",
            "line\nbreak\ttab",
        ]
        payloads = [json.dumps({"reason": text, "value": 1.5}) for text in texts]
        floats = [
            0.1 + 0.2,
            -0.0,
            1e-12,
            123456789.123456789,
            2.5,
            float("inf"),
            7,
            None,
        ]
        columns = {
            "id": ("int4", [1, 2, 3, 4, 5, 6, 7, None]),
            "label": ("varchar", texts),
            "amount": ("float8", floats),
            "flag": ("bool", [True, False, None, True, False, True, False, True]),
            "day": (
                "date",
                [
                    date(2026, 1, 31),
                    None,
                    date(2000, 2, 29),
                    date(2026, 11, 25),
                    None,
                    None,
                    None,
                    None,
                ],
            ),
            "payload": ("jsonb", payloads),
        }
        ids, labels, amounts, flags, days, stored = self.roundtrip(columns)
        self.assertEqual(ids, columns["id"][1])
        self.assertEqual(labels, texts)
        self.assertEqual(
            amounts, [float(value) if value is not None else None for value in floats]
        )
        self.assertEqual(
            math.copysign(1, amounts[1]), -1.0, "the sign of -0.0 survives"
        )
        self.assertEqual(flags, columns["flag"][1])
        self.assertEqual(days, columns["day"][1])
        self.assertEqual(stored, [json.loads(payload) for payload in payloads])

    def test_false_is_null_except_in_boolean_columns(self):
        ids, labels, flags = self.roundtrip(
            {
                "id": ("int4", [False, 4]),
                "label": ("varchar", [False, "x"]),
                "flag": ("bool", [False, None]),
            }
        )
        self.assertEqual(ids, [None, 4])
        self.assertEqual(labels, [None, "x"])
        self.assertEqual(flags, [False, None])


@tagged("post_install", "-at_install")
class TestGroupedRows(TransactionCase):
    def test_same_groups_as_read_group_as_plain_values(self):
        """read_group_rows reads what _read_group reads, with ids and days instead of
        records and dates."""
        partners = self.env["res.partner"].create(
            [
                {"name": f"Grouped {index}", "parent_id": parent.id, "color": index}
                for parent in self.env["res.partner"].create(
                    [{"name": "Parent A"}, {"name": "Parent B"}]
                )
                for index in range(3)
            ]
        )
        domain = [("id", "in", partners.ids)]
        expected = [
            (parent.id, fields.Date.to_date(day), total)
            for parent, day, total in self.env["res.partner"]._read_group(
                domain, ["parent_id", "create_date:day"], ["color:sum"]
            )
        ]
        rows = read_group_rows(
            self.env["res.partner"],
            domain,
            ["parent_id", "create_date:day"],
            ["color:sum"],
        )
        self.assertEqual(
            sorted(
                (parent, fields.Date.to_date(day), total) for parent, day, total in rows
            ),
            sorted(expected),
        )
        self.assertEqual(sorted(total for __, __, total in rows), [3, 3])


@tagged("post_install", "-at_install")
class TestYoungGcOnly(TransactionCase):
    def setUp(self):
        super().setUp()
        was_enabled, thresholds = gc.isenabled(), gc.get_threshold()
        self.addCleanup(gc.enable if was_enabled else gc.disable)
        self.addCleanup(gc.set_threshold, *thresholds)
        gc.enable()

    def test_older_generations_held_in_the_block_and_let_go_even_on_error(self):
        thresholds = gc.get_threshold()
        with self.assertRaises(ValueError), young_gc_only():
            self.assertTrue(gc.isenabled())
            self.assertEqual(gc.get_threshold()[0], thresholds[0])
            self.assertGreater(gc.get_threshold()[1], 1_000_000)
            raise ValueError("an error in the block")
        self.assertEqual(gc.get_threshold(), thresholds)

    def test_leaves_a_collector_paused_by_someone_else_paused(self):
        gc.disable()
        with young_gc_only():
            self.assertFalse(gc.isenabled())
        self.assertFalse(gc.isenabled(), "whoever paused it restarts it")
