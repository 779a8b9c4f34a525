WITH part_numerator AS 
(SELECT rows_lead_converted_count.team AS team, rows_lead_converted_count.period_start AS period_start, count(*) AS value 
FROM (SELECT coalesce(dim_user.team, '(none)') AS team, CAST(date_trunc('month', timezone('Europe/Paris', base.created_at)) - make_interval(0, ((CAST(EXTRACT(month FROM timezone('Europe/Paris', base.created_at)) AS INTEGER) - 2) + 12) % 3) AS DATE) AS period_start, 1 AS v 
FROM lead AS base LEFT OUTER JOIN crm_user AS dim_user ON dim_user.id = base.owner_id AND dim_user.deleted_at IS NULL 
WHERE base.deleted_at IS NULL AND base.created_at IS NOT NULL AND base.converted = true AND base.created_at >= '2024-12-31 23:00:00+00:00' AND base.created_at < '2025-03-31 22:00:00+00:00') AS rows_lead_converted_count GROUP BY rows_lead_converted_count.team, rows_lead_converted_count.period_start), 
part_denominator AS 
(SELECT rows_lead_count.team AS team, rows_lead_count.period_start AS period_start, count(*) AS value 
FROM (SELECT coalesce(dim_user.team, '(none)') AS team, CAST(date_trunc('month', timezone('Europe/Paris', base.created_at)) - make_interval(0, ((CAST(EXTRACT(month FROM timezone('Europe/Paris', base.created_at)) AS INTEGER) - 2) + 12) % 3) AS DATE) AS period_start, 1 AS v 
FROM lead AS base LEFT OUTER JOIN crm_user AS dim_user ON dim_user.id = base.owner_id AND dim_user.deleted_at IS NULL 
WHERE base.deleted_at IS NULL AND base.created_at IS NOT NULL AND base.created_at >= '2024-12-31 23:00:00+00:00' AND base.created_at < '2025-03-31 22:00:00+00:00') AS rows_lead_count GROUP BY rows_lead_count.team, rows_lead_count.period_start)
 SELECT grain.team, grain.period_start, (coalesce(part_numerator.value, 0) / CAST(nullif(coalesce(part_denominator.value, 0), 0) AS FLOAT)) * 100.0 AS value, coalesce(part_numerator.value, 0) AS numerator, coalesce(part_denominator.value, 0) AS denominator 
FROM (SELECT part_numerator.team AS team, part_numerator.period_start AS period_start 
FROM part_numerator UNION SELECT part_denominator.team AS team, part_denominator.period_start AS period_start 
FROM part_denominator) AS grain LEFT OUTER JOIN part_numerator ON part_numerator.team = grain.team AND part_numerator.period_start = grain.period_start LEFT OUTER JOIN part_denominator ON part_denominator.team = grain.team AND part_denominator.period_start = grain.period_start ORDER BY grain.team, grain.period_start
