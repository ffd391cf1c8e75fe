from .bulk import unnest_columns
from .fields import OptionalFloat, OptionalInteger
from .formatting import format_quantity
from ..engine.gc import young_gc_only
from .grouping import read_group_rows
from .records import field_values
from .dates import company_tz, day_end, day_start, local_date, spread_over_days
from .engine_language import engine_language, in_engine_language
