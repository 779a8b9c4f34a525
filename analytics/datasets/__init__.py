"""The public CRM datasets the benchmark reads, mapped into the canonical store with crmhub's own mapping format."""
