"""Mapping: CRM fields -> canonical entities, declared in YAML (specs/*.yaml), applied with small typed transforms."""
