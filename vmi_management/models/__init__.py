from . import (
    product_template,
    res_partner,
    stock_location,
    stock_warehouse,
    vmi_agreement,
    vmi_agreement_line,
)
