WITH part_measure AS 
(SELECT ranked.region AS region, CAST(sum(ranked.v * (CASE WHEN (ranked.rn - 1 = CAST((ranked.n - 1) * 1 AS INTEGER) / 2) THEN 2 - ((ranked.n - 1) * 1) % 2 ELSE 0 END + CASE WHEN (ranked.rn - 1 = CAST((ranked.n - 1) * 1 AS INTEGER) / 2 + 1) THEN ((ranked.n - 1) * 1) % 2 ELSE 0 END)) / (2.0 + 0.0) AS FLOAT) AS value 
FROM (SELECT rows_opportunity_won_amount_median.region AS region, rows_opportunity_won_amount_median.v AS v, row_number() OVER (PARTITION BY rows_opportunity_won_amount_median.region ORDER BY rows_opportunity_won_amount_median.v IS NULL, rows_opportunity_won_amount_median.v) AS rn, count(rows_opportunity_won_amount_median.v) OVER (PARTITION BY rows_opportunity_won_amount_median.region) AS n 
FROM (SELECT coalesce(dim_account.country, '(none)') AS region, base.currency AS currency, base.amount AS amount, date(base.close_date) AS day, base.amount AS v 
FROM opportunity AS base LEFT OUTER JOIN account AS dim_account ON dim_account.id = base.account_id AND dim_account.deleted_at IS NULL 
WHERE base.deleted_at IS NULL AND base.close_date IS NOT NULL AND base.is_won = 1) AS rows_opportunity_won_amount_median) AS ranked GROUP BY ranked.region)
 SELECT part_measure.region, part_measure.value AS value, CAST(NULL AS FLOAT) AS numerator, CAST(NULL AS FLOAT) AS denominator 
FROM part_measure ORDER BY part_measure.region
