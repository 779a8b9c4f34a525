"""The KPI registry and engine (issue 18): modules, KPIs and measures as data, compiled to SQL at any grain."""
