"""A faithful Salesforce sandbox: OAuth, REST (SOQL query, describe, sObjects, collections), Bulk API 2.0, limits.

See README.md in this package for the endpoints, the strictness rules, options and the admin surface.
"""
