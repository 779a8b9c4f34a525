"""Pipeline health and the sales cycle from the canonical store: stage conversion by entry cohort, censoring-aware
stage durations and cycle times (Kaplan-Meier, Aalen-Johansen), deal warnings against stage norms, velocity,
coverage and the pipeline-change waterfall. See docs/analytics/pipeline.md."""
