"""Connectors: one sub-package per CRM with the same file names, plus the protocol (base.py) and HTTP helpers."""
