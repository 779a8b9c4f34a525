WITH part_measure AS 
(SELECT rows_opportunity_won_amount_median.region AS region, percentile_cont(0.5) WITHIN GROUP (ORDER BY rows_opportunity_won_amount_median.v) AS value 
FROM (SELECT coalesce(dim_account.country, '(none)') AS region, base.currency AS currency, base.amount AS amount, CAST(CAST(base.close_date AS TIMESTAMP WITHOUT TIME ZONE) AS DATE) AS day, base.amount AS v 
FROM opportunity AS base LEFT OUTER JOIN account AS dim_account ON dim_account.id = base.account_id AND dim_account.deleted_at IS NULL 
WHERE base.deleted_at IS NULL AND base.close_date IS NOT NULL AND base.is_won = true) AS rows_opportunity_won_amount_median GROUP BY rows_opportunity_won_amount_median.region)
 SELECT part_measure.region, part_measure.value AS value, CAST(NULL AS FLOAT) AS numerator, CAST(NULL AS FLOAT) AS denominator 
FROM part_measure ORDER BY part_measure.region
