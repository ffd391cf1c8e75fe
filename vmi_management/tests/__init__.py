from . import (
    test_vmi_agreement_line,
    test_vmi_agreement_workflow,
    test_vmi_api,
    test_vmi_demo_data,
    test_vmi_portal,
    test_vmi_replenishment,
    test_vmi_replenishment_concurrency,
    test_vmi_security,
    test_vmi_shipment_notice,
    test_vmi_site_locations,
    test_vmi_stock_level,
    test_vmi_stock_report_intake,
)
