"""The faces of crmhub: the ``crmhub`` CLI (Typer + Rich) and the demo."""
