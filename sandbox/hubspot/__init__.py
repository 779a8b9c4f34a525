"""A faithful HubSpot CRM v3 sandbox: objects, search, batch, properties, associations v4, owners, OAuth and limits.

``create_app`` (in ``app.py``) is what ``python -m sandbox hubspot`` serves; README.md lists what is emulated.
"""
