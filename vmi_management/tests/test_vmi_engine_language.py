from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools.translate import TranslationModuleReader, code_translations

from ..intake import parse_csv
from ..tools import engine_language
from .common import VmiCommon

# what the module's fr.po gives these engine and intake messages (loaded by Odoo
# from i18n/fr.po, as for any ``_()`` of the module; set here so that the test
# does not depend on how complete the shipped translation is)
FRENCH = {
    "on hand %(on_hand)s + on order %(on_order)s − committed %(committed)s": (
        "en stock %(on_hand)s + en commande %(on_order)s − engagé %(committed)s"
    ),
    "%(where)s: no product code.": "%(where)s : aucun code produit.",
}


@tagged("post_install", "-at_install")
class TestEngineLanguage(VmiCommon):
    """Explanations and intake errors are written in the language of the user they are
    made for."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.agreement = cls.create_running_agreement()
        cls.agreement.action_activate()

    def french(self):
        return patch.dict(
            code_translations.python_translations, {("vmi_management", "fr_FR"): FRENCH}
        )

    def position_note(self):
        return self.agreement.line_ids.last_decision["steps"][0]["note"]

    def test_an_evaluation_explains_in_the_user_language(self):
        with self.french():
            self.env["vmi.replenishment"].with_context(lang="fr_FR")._evaluate_now(
                self.agreement
            )
        self.assertEqual(self.position_note(), "en stock 0 + en commande 0 − engagé 0")

    def test_an_evaluation_in_english_keeps_the_engine_text(self):
        with self.french():
            self.env["vmi.replenishment"].with_context(lang="en_US")._evaluate_now(
                self.agreement
            )
        self.assertEqual(self.position_note(), "on hand 0 + on order 0 − committed 0")

    def test_an_intake_error_in_the_user_language(self):
        with self.french(), engine_language(self.env, "fr_FR"):
            report = parse_csv(b"product,on_hand\n,5\n")
        self.assertEqual(report.lines[0].error, "Row 2 : aucun code produit.")
        self.assertEqual(
            parse_csv(b"product,on_hand\n,5\n").lines[0].error,
            "Row 2: no product code.",
            "outside the block, the message is as written",
        )

    def test_engine_and_intake_messages_are_exported_for_translators(self):
        """Odoo's export of terms (``--i18n-export``) finds the messages marked in the
        engine and intake."""
        terms = TranslationModuleReader(self.env.cr, ["vmi_management"])
        exported = {
            (name.split("/")[2], source)
            for module, ttype, name, __, source, __, comments in terms
            if module == "vmi_management"
            and ttype == "code"
            and "odoo-python" in comments
        }
        position, no_product = FRENCH
        self.assertIn(("engine", position), exported)
        self.assertIn(("intake", no_product), exported)
