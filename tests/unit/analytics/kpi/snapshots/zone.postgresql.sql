WITH part_measure AS 
(SELECT rows_activity_calls.rep AS rep, rows_activity_calls.period_start AS period_start, count(*) AS value 
FROM (SELECT coalesce(base.owner_id, '(none)') AS rep, CAST(date_trunc('week', timezone('Europe/Paris', base.occurred_at)) AS DATE) AS period_start, 1 AS v 
FROM activity AS base 
WHERE base.deleted_at IS NULL AND base.occurred_at IS NOT NULL AND base.type = 'call' AND base.occurred_at >= '2024-12-31 23:00:00+00:00' AND base.occurred_at < '2025-03-31 22:00:00+00:00') AS rows_activity_calls GROUP BY rows_activity_calls.rep, rows_activity_calls.period_start)
 SELECT part_measure.rep, part_measure.period_start, part_measure.value AS value, CAST(NULL AS FLOAT) AS numerator, CAST(NULL AS FLOAT) AS denominator 
FROM part_measure ORDER BY part_measure.rep, part_measure.period_start
