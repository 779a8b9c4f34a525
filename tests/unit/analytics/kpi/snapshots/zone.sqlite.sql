WITH part_measure AS 
(SELECT rows_activity_calls.rep AS rep, rows_activity_calls.period_start AS period_start, count(*) AS value 
FROM (SELECT coalesce(base.owner_id, '(none)') AS rep, date(datetime(base.occurred_at, CASE WHEN (base.occurred_at < '2025-03-30 01:00:00') THEN '+3600 seconds' ELSE '+7200 seconds' END), printf('-%d days', (CAST(strftime('%w', datetime(base.occurred_at, CASE WHEN (base.occurred_at < '2025-03-30 01:00:00') THEN '+3600 seconds' ELSE '+7200 seconds' END)) AS INTEGER) + 6) % 7)) AS period_start, 1 AS v 
FROM activity AS base 
WHERE base.deleted_at IS NULL AND base.occurred_at IS NOT NULL AND base.type = 'call' AND base.occurred_at >= '2024-12-31 23:00:00.000000' AND base.occurred_at < '2025-03-31 22:00:00.000000') AS rows_activity_calls GROUP BY rows_activity_calls.rep, rows_activity_calls.period_start)
 SELECT part_measure.rep, part_measure.period_start, part_measure.value AS value, CAST(NULL AS FLOAT) AS numerator, CAST(NULL AS FLOAT) AS denominator 
FROM part_measure ORDER BY part_measure.rep, part_measure.period_start
