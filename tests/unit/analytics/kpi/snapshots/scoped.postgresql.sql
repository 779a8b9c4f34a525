WITH part_measure AS 
(SELECT count(*) AS value 
FROM (SELECT 1 AS v 
FROM opportunity AS base LEFT OUTER JOIN account AS dim_account ON dim_account.id = base.account_id AND dim_account.deleted_at IS NULL 
WHERE base.deleted_at IS NULL AND base.close_date IS NOT NULL AND base.is_won = true AND coalesce(dim_account.country, '(none)') IN ('FR') AND base.owner_id IN (SELECT scope_mate.id 
FROM crm_user AS scope_mate JOIN crm_user AS scope_me ON scope_me.id = 'u2' 
WHERE scope_me.deleted_at IS NULL AND scope_mate.deleted_at IS NULL AND (scope_mate.id = scope_me.id OR ((lower(coalesce(scope_me.title, '')) LIKE '%' || 'manager' || '%' ESCAPE '/') OR (lower(coalesce(scope_me.title, '')) LIKE '%' || 'director' || '%' ESCAPE '/') OR (lower(coalesce(scope_me.title, '')) LIKE '%' || 'head of' || '%' ESCAPE '/') OR (lower(coalesce(scope_me.title, '')) LIKE '%' || 'vp' || '%' ESCAPE '/') OR (lower(coalesce(scope_me.title, '')) LIKE '%' || 'vice president' || '%' ESCAPE '/') OR (lower(coalesce(scope_me.title, '')) LIKE '%' || 'chief' || '%' ESCAPE '/')) AND scope_me.team IS NOT NULL AND scope_mate.team = scope_me.team))) AS rows_opportunity_won_count)
 SELECT part_measure.value AS value, CAST(NULL AS FLOAT) AS numerator, CAST(NULL AS FLOAT) AS denominator 
FROM part_measure
