WITH part_measure AS 
(SELECT rows_opportunity_won_amount.rep AS rep, rows_opportunity_won_amount.period_start AS period_start, coalesce(sum(rows_opportunity_won_amount.v), 0) AS value 
FROM (SELECT coalesce(base.owner_id, '(none)') AS rep, CAST(date_trunc('month', CAST(base.close_date AS TIMESTAMP WITHOUT TIME ZONE)) AS DATE) AS period_start, base.currency AS currency, base.amount AS amount, CAST(CAST(base.close_date AS TIMESTAMP WITHOUT TIME ZONE) AS DATE) AS day, CASE WHEN (coalesce(nullif(base.currency, ''), CASE base.source_connection WHEN 'sf' THEN 'USD' WHEN 'dyn' THEN 'EUR' ELSE 'USD' END) = 'USD') THEN CAST(base.amount AS FLOAT) ELSE coalesce((CAST(base.amount AS FLOAT) / CAST((SELECT currency_rate.rate 
FROM currency_rate 
WHERE currency_rate.source = base.source_connection AND currency_rate.iso_code = coalesce(nullif(base.currency, ''), CASE base.source_connection WHEN 'sf' THEN 'USD' WHEN 'dyn' THEN 'EUR' ELSE 'USD' END) AND currency_rate.start_date <= CAST(CAST(base.close_date AS TIMESTAMP WITHOUT TIME ZONE) AS DATE) ORDER BY currency_rate.start_date DESC 
 LIMIT 1) AS FLOAT)) * (SELECT currency_rate.rate 
FROM currency_rate 
WHERE currency_rate.source = base.source_connection AND currency_rate.iso_code = 'USD' AND currency_rate.start_date <= CAST(CAST(base.close_date AS TIMESTAMP WITHOUT TIME ZONE) AS DATE) ORDER BY currency_rate.start_date DESC 
 LIMIT 1), (CAST(base.amount AS FLOAT) / CAST((SELECT currency_rate.rate 
FROM currency_rate 
WHERE currency_rate.source = 'config' AND currency_rate.iso_code = coalesce(nullif(base.currency, ''), CASE base.source_connection WHEN 'sf' THEN 'USD' WHEN 'dyn' THEN 'EUR' ELSE 'USD' END) AND currency_rate.start_date <= CAST(CAST(base.close_date AS TIMESTAMP WITHOUT TIME ZONE) AS DATE) ORDER BY currency_rate.start_date DESC 
 LIMIT 1) AS FLOAT)) * (SELECT currency_rate.rate 
FROM currency_rate 
WHERE currency_rate.source = 'config' AND currency_rate.iso_code = 'USD' AND currency_rate.start_date <= CAST(CAST(base.close_date AS TIMESTAMP WITHOUT TIME ZONE) AS DATE) ORDER BY currency_rate.start_date DESC 
 LIMIT 1)) END AS v 
FROM opportunity AS base 
WHERE base.deleted_at IS NULL AND base.close_date IS NOT NULL AND base.is_won = true AND base.close_date >= '2025-01-01' AND base.close_date < '2025-04-01') AS rows_opportunity_won_amount GROUP BY rows_opportunity_won_amount.rep, rows_opportunity_won_amount.period_start)
 SELECT part_measure.rep, part_measure.period_start, part_measure.value AS value, CAST(NULL AS FLOAT) AS numerator, CAST(NULL AS FLOAT) AS denominator 
FROM part_measure ORDER BY part_measure.rep, part_measure.period_start
