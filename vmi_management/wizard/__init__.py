from . import vmi_stock_report_upload
