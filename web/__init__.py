"""The web console and the REST API (``crmhub serve``): a face. Routes read the request, call the services
(``access``, ``analytics``) and render; they hold no rule of their own. Only ``hub`` imports this package."""

from web.app import create_app

__all__ = ["create_app"]
