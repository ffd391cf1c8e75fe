"""Engine and intake messages go through a translator the caller sets."""

import ast
from pathlib import Path

from vmi_management.engine import plan_line
from vmi_management.engine.i18n import _, translating
from vmi_management.intake import parse_csv

PACKAGE = Path(__file__).resolve().parents[2] / "vmi_management"
FRENCH = {
    "moving average": "moyenne mobile",
    "%(method)s over %(days)s days of history": (
        "%(method)s sur %(days)s jours d'historique"
    ),
    "position %(position)s < %(trigger_label)s %(trigger)s: "
    "order up to %(target_label)s %(target)s = %(raw)s": (
        "position %(position)s < %(trigger_label)s %(trigger)s : "
        "commander jusqu'au %(target_label)s %(target)s = %(raw)s"
    ),
    "%(where)s: no product code.": "%(where)s : aucun code produit.",
}


def test_a_decision_is_explained_through_the_translator(line):
    with translating(FRENCH.get):
        decision = plan_line(line(on_hand=4, demand=(6.0,) * 14))
    assert (
        decision.steps[1].note == "moyenne mobile (window 28) sur 14 jours d'historique"
    )
    assert decision.reason.startswith("position 4 < min 10 : commander jusqu'au max 50")


def test_without_a_translator_the_messages_stay_as_written(line):
    with translating(FRENCH.get):
        pass
    decision = plan_line(line(on_hand=4, demand=(6.0,) * 14))
    assert (
        decision.steps[1].note == "moving average (window 28) over 14 days of history"
    )
    assert decision.reason == "position 4 < min 10: order up to max 50 = 46"


def test_an_intake_error_is_translated_too():
    with translating(FRENCH.get):
        report = parse_csv(b"product,on_hand\n,5\n")
    assert report.lines[0].error == "Row 2 : aucun code produit."


def test_a_message_without_translation_is_kept():
    with translating({}.get):
        assert _("fixed quantity") == "fixed quantity"


def test_messages_are_literals_with_named_placeholders():
    """Odoo's term export reads each ``_()`` argument as a literal; positional
    placeholders could not be reordered by a translator."""
    for path in [*PACKAGE.glob("engine/*.py"), *PACKAGE.glob("intake/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_":
                assert len(node.args) == 1, f"{path.name}:{node.lineno}"
                (message,) = node.args
                assert isinstance(message, ast.Constant), f"{path.name}:{node.lineno}"
                assert "%s" not in message.value, f"{path.name}:{node.lineno}"
