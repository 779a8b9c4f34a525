"""Dotted key paths as admins read them: ``connections.hubspot_main.objects[0]``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_\-]+")


def key(name: object) -> str:
    """The segment for a mapping key; odd keys (dots, spaces) are quoted to keep paths unambiguous."""
    text = str(name)
    return text if _PLAIN_KEY.fullmatch(text) else f"[{json.dumps(text)}]"


def index(position: int) -> str:
    return f"[{position}]"


def join(segments: Iterable[str]) -> str:
    path = ""
    for segment in segments:
        if segment.startswith("[") or not path:
            path += segment
        else:
            path += "." + segment
    return path
