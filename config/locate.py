"""Turn a pydantic error location into the key path an admin wrote, by walking the model types alongside it.

Pydantic's locations carry things that are not in the file: the tag of a discriminated union
(``connections.x.hubspot.auth.private_app.token``) and ``[key]`` for an invalid mapping key. Walking the types
tells which parts are tags; it also yields the model owning the last key, whose field names feed did-you-mean.
"""

from __future__ import annotations

import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Tag

from config import keypath
from config.models.base import extra_values

_KEY_MARKER = "[key]"
_NOT_A_TAG = object()  # a location part that is a key, not a union's tag


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    # The model whose field the last segment names (or fails to name): its fields are the allowed keys there.
    owner: type[BaseModel] | None
    # The error is about a mapping key itself (a bad connection name), not about its value.
    is_key: bool


def locate(root: type[BaseModel], loc: Sequence[str | int]) -> Location:
    segments: list[str] = []
    current: Any = root
    owner: type[BaseModel] | None = None
    is_key = False
    for part in loc:
        if part == _KEY_MARKER:
            is_key = True
            continue
        current = _strip_optional(current)
        member = _union_member(current, part)
        if member is not _NOT_A_TAG:
            current = member
            continue
        segments.append(keypath.index(part) if isinstance(part, int) else keypath.key(part))
        owner, current = _step(current, part)
    return Location(path=keypath.join(segments), owner=owner, is_key=is_key)


def _step(current: Any, part: str | int) -> tuple[type[BaseModel] | None, Any]:
    if isinstance(current, type) and issubclass(current, BaseModel):
        field = current.model_fields.get(part) if isinstance(part, str) else None
        return current, field.annotation if field is not None else extra_values(current)
    origin = get_origin(current)
    args = get_args(current)
    if origin in (dict, Mapping) and len(args) == 2:
        return None, args[1]
    if origin in (list, Sequence, tuple) and args:
        return None, args[0]
    return None, None


def _strip_optional(tp: Any) -> Any:
    while True:
        if get_origin(tp) is Annotated:
            tp = get_args(tp)[0]
            continue
        if _is_union(tp):
            members = [arg for arg in get_args(tp) if arg is not type(None)]
            if len(members) == 1:
                tp = members[0]
                continue
        return tp


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _union_member(tp: Any, part: str | int) -> Any:
    """The member of a discriminated union whose tag is ``part``, if ``tp`` is such a union (else ``_NOT_A_TAG``):
    a model whose ``Literal`` field has that value, or the member a callable discriminator's ``Tag`` names."""
    if not _is_union(tp) or not isinstance(part, str):
        return _NOT_A_TAG
    for member in get_args(tp):
        if get_origin(member) is Annotated:
            inner, *metadata = get_args(member)
            if any(isinstance(m, Tag) and m.tag == part for m in metadata):
                return inner
            member = inner
        if isinstance(member, type) and issubclass(member, BaseModel):
            for field in member.model_fields.values():
                if get_origin(field.annotation) is Literal and part in get_args(field.annotation):
                    return member
    return _NOT_A_TAG
