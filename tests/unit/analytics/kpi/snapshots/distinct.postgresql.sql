WITH part_measure AS 
(SELECT rows_opportunity_accounts_won.territory AS territory, count(DISTINCT rows_opportunity_accounts_won.v) AS value 
FROM (SELECT coalesce(coalesce((SELECT ta_account.territory_id 
FROM territory_assignment AS ta_account 
WHERE ta_account.account_id = base.account_id AND ta_account.deleted_at IS NULL AND ta_account.territory_id IS NOT NULL AND (ta_account.effective_from IS NULL OR ta_account.effective_from <= CAST(CAST(base.close_date AS TIMESTAMP WITHOUT TIME ZONE) AS DATE)) AND (ta_account.effective_to IS NULL OR ta_account.effective_to >= CAST(CAST(base.close_date AS TIMESTAMP WITHOUT TIME ZONE) AS DATE)) ORDER BY ta_account.effective_from DESC NULLS LAST, ta_account.id 
 LIMIT 1), (SELECT ta_user.territory_id 
FROM territory_assignment AS ta_user 
WHERE ta_user.user_id = base.owner_id AND ta_user.deleted_at IS NULL AND ta_user.territory_id IS NOT NULL AND (ta_user.effective_from IS NULL OR ta_user.effective_from <= CAST(CAST(base.close_date AS TIMESTAMP WITHOUT TIME ZONE) AS DATE)) AND (ta_user.effective_to IS NULL OR ta_user.effective_to >= CAST(CAST(base.close_date AS TIMESTAMP WITHOUT TIME ZONE) AS DATE)) ORDER BY ta_user.effective_from DESC NULLS LAST, ta_user.id 
 LIMIT 1)), '(none)') AS territory, base.account_id AS v 
FROM opportunity AS base 
WHERE base.deleted_at IS NULL AND base.close_date IS NOT NULL AND base.is_won = true AND base.close_date >= '2025-01-01' AND base.close_date < '2025-04-01') AS rows_opportunity_accounts_won GROUP BY rows_opportunity_accounts_won.territory)
 SELECT part_measure.territory, part_measure.value AS value, CAST(NULL AS FLOAT) AS numerator, CAST(NULL AS FLOAT) AS denominator 
FROM part_measure ORDER BY part_measure.territory
