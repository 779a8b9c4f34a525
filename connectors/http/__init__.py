"""HTTP plumbing shared by the connectors: the retry table, the API budget, secret scrubbing, paginators."""
