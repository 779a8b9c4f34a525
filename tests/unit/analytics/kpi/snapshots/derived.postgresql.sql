WITH part_cycle_days AS 
(SELECT rows_opportunity_won_cycle_days.rep AS rep, coalesce(sum(rows_opportunity_won_cycle_days.v), 0) AS value 
FROM (SELECT coalesce(base.owner_id, '(none)') AS rep, CAST(EXTRACT(epoch FROM CAST(CAST(base.close_date AS TIMESTAMP WITHOUT TIME ZONE) AS TIMESTAMP WITHOUT TIME ZONE) - CAST(timezone('Europe/Paris', base.created_at) AS TIMESTAMP WITHOUT TIME ZONE)) AS FLOAT) / CAST(86400 AS NUMERIC) AS v 
FROM opportunity AS base 
WHERE base.deleted_at IS NULL AND base.close_date IS NOT NULL AND base.is_won = true AND base.close_date >= '2025-01-01' AND base.close_date < '2025-04-01') AS rows_opportunity_won_cycle_days GROUP BY rows_opportunity_won_cycle_days.rep), 
part_won AS 
(SELECT rows_opportunity_won_count.rep AS rep, count(*) AS value 
FROM (SELECT coalesce(base.owner_id, '(none)') AS rep, 1 AS v 
FROM opportunity AS base 
WHERE base.deleted_at IS NULL AND base.close_date IS NOT NULL AND base.is_won = true AND base.close_date >= '2025-01-01' AND base.close_date < '2025-04-01') AS rows_opportunity_won_count GROUP BY rows_opportunity_won_count.rep)
 SELECT grain.rep, coalesce(part_cycle_days.value, 0) / CAST(nullif(coalesce(part_won.value, 0), 0) AS FLOAT) AS value, CAST(NULL AS FLOAT) AS numerator, CAST(NULL AS FLOAT) AS denominator 
FROM (SELECT part_cycle_days.rep AS rep 
FROM part_cycle_days UNION SELECT part_won.rep AS rep 
FROM part_won) AS grain LEFT OUTER JOIN part_cycle_days ON part_cycle_days.rep = grain.rep LEFT OUTER JOIN part_won ON part_won.rep = grain.rep ORDER BY grain.rep
