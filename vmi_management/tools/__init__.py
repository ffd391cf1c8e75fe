from .bulk import unnest_columns
from .formatting import format_quantity
from .grouping import read_group_rows
