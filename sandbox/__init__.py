"""Faithful emulators of the four CRM APIs.

Nothing in this package imports crmhub code outside ``sandbox/``: a sandbox that shared code with the connectors
would share their bugs too.
"""
