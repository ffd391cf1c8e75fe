from odoo import api, fields, models


class VmiUomCode(models.Model):
    """A unit code a customer's documents use (X12 355, UN/ECE Recommendation 20, a CSV
    column), and our unit.

    Codes without an agreement are everyone's defaults (the common X12 and
    UN/ECE codes ship as data); a code on an agreement overrides them for
    that customer only, typically a pack of its own such as "CA" for a case
    of 12. Codes are compared case-insensitively, and a code equal to the name
    of one of our units needs no mapping at all (see
    ``vmi.stock.report.line._units_by_code``).
    """

    _name = "vmi.uom.code"
    _description = "VMI Unit Code"
    _order = "agreement_id nulls first, code, id"
    _rec_name = "code"
    _check_company_auto = True

    code = fields.Char(
        required=True,
        help="The unit exactly as the customer sends it; case does not matter.",
    )
    uom_id = fields.Many2one(
        "uom.uom", string="Our Unit", required=True, ondelete="cascade"
    )
    uom_category_id = fields.Many2one(related="uom_id.category_id", string="Category")
    agreement_id = fields.Many2one(
        "vmi.agreement",
        ondelete="cascade",
        index="btree_not_null",
        check_company=True,
        help="The agreement this code applies to, over the default of the same code; "
        "empty for every agreement.",
    )
    company_id = fields.Many2one(related="agreement_id.company_id", store=True)

    _sql_constraints = [
        # an exclusion rather than UNIQUE: the defaults have no agreement, and NULLs are
        # never equal in UNIQUE
        (
            "code_agreement_uniq",
            "EXCLUDE USING btree ((upper(code)) WITH =, "
            "(COALESCE(agreement_id, 0)) WITH =)",
            "A unit code is mapped once per agreement, and once among the defaults.",
        ),
    ]

    @api.depends("code", "uom_id.name")
    def _compute_display_name(self):
        for mapping in self:
            mapping.display_name = f"{mapping.code} → {mapping.uom_id.name}"
