-- Server settings, grouped by the two halves of their category ("Group / Subgroup").
select
  name, setting, category,
  trim(split_part(category, '/', 1)) as group,
  trim(split_part(category, '/', 2)) as subgroup,
  unit, short_desc, extra_desc, context, vartype, source, min_val, max_val, enumvals, boot_val, reset_val,
  sourcefile, sourceline, pending_restart
from pg_settings
