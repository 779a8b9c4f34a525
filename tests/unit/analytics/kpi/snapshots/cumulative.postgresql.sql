WITH part_measure AS 
(SELECT rows_opportunity_won_amount.rep AS rep, rows_opportunity_won_amount.period_start AS period_start, coalesce(sum(rows_opportunity_won_amount.v), 0) AS value 
FROM (SELECT coalesce(base.owner_id, '(none)') AS rep, CAST(date_trunc('month', CAST(base.close_date AS TIMESTAMP WITHOUT TIME ZONE)) AS DATE) AS period_start, base.currency AS currency, base.amount AS amount, CAST(CAST(base.close_date AS TIMESTAMP WITHOUT TIME ZONE) AS DATE) AS day, base.amount AS v 
FROM opportunity AS base 
WHERE base.deleted_at IS NULL AND base.close_date IS NOT NULL AND base.is_won = true) AS rows_opportunity_won_amount GROUP BY rows_opportunity_won_amount.rep, rows_opportunity_won_amount.period_start)
 SELECT part_measure.rep, part_measure.period_start, sum(part_measure.value) OVER (PARTITION BY part_measure.rep, CAST(date_trunc('month', CAST(part_measure.period_start AS TIMESTAMP WITHOUT TIME ZONE)) - make_interval(0, ((CAST(EXTRACT(month FROM CAST(part_measure.period_start AS TIMESTAMP WITHOUT TIME ZONE)) AS INTEGER) - 1) + 12) % 12) AS DATE) ORDER BY part_measure.period_start ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS value, CAST(NULL AS FLOAT) AS numerator, CAST(NULL AS FLOAT) AS denominator 
FROM part_measure ORDER BY part_measure.rep, part_measure.period_start
