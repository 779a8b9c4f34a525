WITH part_numerator AS 
(SELECT rows_opportunity_won_count.team AS team, rows_opportunity_won_count.period_start AS period_start, count(*) AS value 
FROM (SELECT coalesce(dim_user.team, '(none)') AS team, date(base.close_date, 'start of month', printf('-%d months', ((CAST(strftime('%m', base.close_date) AS INTEGER) - 1) + 12) % 3)) AS period_start, 1 AS v 
FROM opportunity AS base LEFT OUTER JOIN crm_user AS dim_user ON dim_user.id = base.owner_id AND dim_user.deleted_at IS NULL 
WHERE base.deleted_at IS NULL AND base.close_date IS NOT NULL AND base.is_won = 1) AS rows_opportunity_won_count GROUP BY rows_opportunity_won_count.team, rows_opportunity_won_count.period_start), 
part_denominator AS 
(SELECT rows_opportunity_closed_count.team AS team, rows_opportunity_closed_count.period_start AS period_start, count(*) AS value 
FROM (SELECT coalesce(dim_user.team, '(none)') AS team, date(base.close_date, 'start of month', printf('-%d months', ((CAST(strftime('%m', base.close_date) AS INTEGER) - 1) + 12) % 3)) AS period_start, 1 AS v 
FROM opportunity AS base LEFT OUTER JOIN crm_user AS dim_user ON dim_user.id = base.owner_id AND dim_user.deleted_at IS NULL 
WHERE base.deleted_at IS NULL AND base.close_date IS NOT NULL AND base.is_closed = 1) AS rows_opportunity_closed_count GROUP BY rows_opportunity_closed_count.team, rows_opportunity_closed_count.period_start)
 SELECT grain.team, grain.period_start, (coalesce(part_numerator.value, 0) / (nullif(coalesce(part_denominator.value, 0), 0) + 0.0)) * 100.0 AS value, coalesce(part_numerator.value, 0) AS numerator, coalesce(part_denominator.value, 0) AS denominator 
FROM (SELECT part_numerator.team AS team, part_numerator.period_start AS period_start 
FROM part_numerator UNION SELECT part_denominator.team AS team, part_denominator.period_start AS period_start 
FROM part_denominator) AS grain LEFT OUTER JOIN part_numerator ON part_numerator.team = grain.team AND part_numerator.period_start = grain.period_start LEFT OUTER JOIN part_denominator ON part_denominator.team = grain.team AND part_denominator.period_start = grain.period_start ORDER BY grain.team, grain.period_start
