from .bulk import unnest_columns
from .formatting import format_quantity
