"""Serving, TLS, clock, call counting and fault injection shared by the four sandboxes (and by nothing else)."""
