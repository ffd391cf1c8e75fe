from .bulk import unnest_columns
