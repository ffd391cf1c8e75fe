from . import vmi_pilot_simulation, vmi_stock_report_upload
from . import vmi_exception_decision
