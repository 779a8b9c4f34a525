"""The Marketo Engage sandbox: identity, REST lead and activity APIs, Bulk Extract, usage stats and an admin surface.

Start it with ``python -m sandbox marketo``; ``sandbox.marketo.app.create_app`` builds it. See README.md.
"""
