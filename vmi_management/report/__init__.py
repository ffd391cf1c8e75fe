from . import vmi_review_report
