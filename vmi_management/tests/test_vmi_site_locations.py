from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestVmiSiteLocations(VmiCommon):
    def test_consignment_sites_are_internal_one_per_delivery_address(self):
        agreement = self.create_agreement()
        agreement.action_create_site_locations()
        sites = agreement.location_ids
        self.assertEqual(
            sites.vmi_partner_id, self.customer_site_a | self.customer_site_b
        )
        self.assertEqual(set(sites.mapped("usage")), {"internal"})
        self.assertEqual(
            sites.location_id, self.env.ref("vmi_management.stock_location_vmi_sites")
        )
        self.assertEqual(sites.company_id, self.company)
        self.assertTrue(all(sites.mapped("is_vmi_site")))
        self.assertEqual(agreement.stock_owner_id, self.company.partner_id)

        agreement.action_create_site_locations()
        self.assertEqual(
            agreement.location_ids, sites, "a second click creates nothing new"
        )
        other = self.create_agreement()
        other.action_create_site_locations()
        self.assertEqual(
            other.location_ids,
            sites,
            "another agreement with the customer reuses its sites",
        )

    def test_customer_owned_sites_are_customer_locations(self):
        agreement = self.create_agreement(
            partner_id=self.other_customer.id, ownership="customer_owned"
        )
        agreement.action_create_site_locations()
        site = agreement.location_ids
        self.assertEqual(
            len(site), 1, "a customer without delivery addresses is its own site"
        )
        self.assertEqual(site.usage, "customer")
        self.assertEqual(
            site.location_id, self.env.ref("stock.stock_location_customers")
        )
        self.assertEqual(site.vmi_partner_id, self.other_customer)

    def test_mirror_site_is_in_our_warehouse_and_owned_by_the_vendor(self):
        agreement = self.create_agreement(partner_id=self.vendor.id, role="customer")
        agreement.action_create_site_locations()
        site = agreement.location_ids
        self.assertEqual(site.usage, "internal")
        self.assertEqual(site.location_id, self.warehouse.lot_stock_id)
        self.assertEqual(site.warehouse_id, self.warehouse)
        self.assertEqual(site.name, "VMI Omega Supplies")
        self.assertEqual(agreement.stock_owner_id, self.vendor)
        self.assertEqual(self.warehouse.with_user(self.vmi_user).vmi_site_count, 1)

    def test_site_kind_must_match_ownership(self):
        consignment = self.create_agreement()
        with self.assertRaisesRegex(
            ValidationError,
            "is of type Customer Location, but agreement .* keeps its stock in "
            "locations of type Internal",
        ):
            consignment.location_ids = self.env.ref("stock.stock_location_customers")
        customer_owned = self.create_agreement(ownership="customer_owned")
        with self.assertRaisesRegex(
            ValidationError, "in locations of type Customer Location"
        ):
            customer_owned.location_ids = self.warehouse.lot_stock_id
        consignment.action_create_site_locations()
        with self.assertRaisesRegex(
            ValidationError, "in locations of type Customer Location"
        ):
            consignment.ownership = "customer_owned"
        mirror = self.create_agreement(partner_id=self.vendor.id, role="customer")
        other_warehouse = self.env["stock.warehouse"].create(
            {"name": "Second", "code": "WH2"}
        )
        with self.assertRaisesRegex(ValidationError, "is not in warehouse"):
            mirror.location_ids = other_warehouse.lot_stock_id

    def test_managed_stock_is_filtered_by_owner(self):
        """Odoo counts every quant at a location; only the agreed owner's are managed
        stock."""
        Quant = self.env["stock.quant"]
        ours = self.create_agreement()
        ours.action_create_site_locations()
        site_a, site_b = ours.location_ids
        shelf = self.env["stock.location"].create(
            {"name": "Shelf 1", "location_id": site_a.id}
        )
        Quant._update_available_quantity(self.gloves, site_a, 30.0)
        Quant._update_available_quantity(
            self.gloves, shelf, 5.0, owner_id=self.company.partner_id
        )
        Quant._update_available_quantity(self.gloves, site_a, 7.0, owner_id=self.vendor)
        Quant._update_available_quantity(self.masks, site_b, 12.0)

        mirror = self.create_agreement(partner_id=self.vendor.id, role="customer")
        mirror.action_create_site_locations()
        vmi_shelf = mirror.location_ids
        Quant._update_available_quantity(
            self.wipes, vmi_shelf, 40.0, owner_id=self.vendor
        )
        Quant._update_available_quantity(
            self.wipes, vmi_shelf, 3.0
        )  # ours, not the vendor's

        stock = (ours | mirror)._read_site_stock()
        self.assertEqual(
            stock,
            {
                (ours.id, self.gloves.id, site_a.id): 35.0,
                (ours.id, self.masks.id, site_b.id): 12.0,
                (mirror.id, self.wipes.id, vmi_shelf.id): 40.0,
            },
        )
        for agreement in ours | mirror:
            quants = Quant.search(agreement._get_site_quant_domain())
            total = sum(value for key, value in stock.items() if key[0] == agreement.id)
            self.assertEqual(
                sum(quants.mapped("quantity")),
                total,
                "the quant view shows the same stock",
            )
        action = ours.action_view_site_stock()
        self.assertEqual(
            Quant.search(action["domain"]).location_id, site_a | shelf | site_b
        )

    def test_customer_owned_stock_is_not_read_from_quants(self):
        agreement = self.create_agreement(ownership="customer_owned")
        agreement.action_create_site_locations()
        self.env["stock.quant"]._update_available_quantity(
            self.gloves, agreement.location_ids[0], 9.0
        )
        self.assertEqual(
            agreement._read_site_stock(),
            {},
            "its levels come from the customer's reports",
        )

    def test_locations_list_vmi_sites_and_agreements(self):
        agreement = self.create_agreement()
        agreement.action_create_site_locations()
        site = agreement.location_ids[0].with_user(self.vmi_user)
        self.assertEqual(site.vmi_agreement_ids, agreement)
        action = site.action_view_vmi_agreements()
        self.assertEqual(self.env["vmi.agreement"].search(action["domain"]), agreement)
        sites = self.env["stock.location"].search([("is_vmi_site", "=", True)])
        self.assertLessEqual(agreement.location_ids, sites)
        self.assertNotIn(self.warehouse.lot_stock_id, sites)

    def test_partner_smart_button_counts_on_commercial_entity(self):
        first = self.create_agreement()
        second = self.create_agreement(ownership="customer_owned")
        self.create_agreement(partner_id=self.other_customer.id)
        for partner in (self.customer, self.customer_site_a):
            partner = partner.with_user(self.vmi_user)
            self.assertEqual(partner.vmi_agreement_count, 2)
            action = partner.action_view_vmi_agreements()
            self.assertEqual(
                self.env["vmi.agreement"].search(action["domain"]), first | second
            )
