"""A faithful emulator of the Microsoft Dataverse (Dynamics 365) Web API v9.2 and its Entra ID token endpoint.

See ``README.md`` in this package for the endpoints, the strictness rules, the options and the admin routes.
"""
