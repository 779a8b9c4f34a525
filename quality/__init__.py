"""Quality: Great Expectations suites per canonical entity; failing rows quarantined with their reasons."""
