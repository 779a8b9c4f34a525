"""Map a Web API method and path to the handler named after the Dataverse operation it performs.

The handler's name is also the call-count key the shared middleware reports (``retrieve_multiple``,
``retrieve_changes``, ``upsert``, ``execute_batch``...), so a test can assert how many requests of each kind a
connector made.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sandbox.dynamics import (
    errors,
    metadata,
    metadata_write,
    webapi_associate,
    webapi_read,
    webapi_service,
    webapi_write,
)
from sandbox.dynamics.catalog import Catalog
from sandbox.dynamics.messages import ApiRequest, ApiResponse
from sandbox.dynamics.services import Services

Handler = Callable[..., ApiResponse]
_SET = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)")


def _not_allowed(method: str) -> errors.DataverseError:
    return errors.DataverseError(405, errors.ODATA, f"The requested resource does not support http method "
                                                    f"'{method}'.")


def _split_key(rest: str) -> tuple[str | None, str]:
    """``(<key>)/tail`` -> (key, tail); quotes may hide parentheses inside an alternate key value."""
    if not rest.startswith("("):
        return None, rest
    quoted = False
    for i, ch in enumerate(rest):
        if ch == "'":
            quoted = not quoted
        elif ch == ")" and not quoted:
            return rest[1:i], rest[i + 1:]
    raise errors.odata_error(f"Bad Request - Error in query syntax. Unbalanced key in '{rest}'.")


def resolve(catalog: Catalog, method: str, path: str, query: str) -> tuple[Handler, dict[str, Any]]:
    if path in ("", "/"):
        return _only(method, "GET", webapi_service.service_document), {}
    if path == "$metadata":
        return _only(method, "GET", webapi_service.metadata_document), {}
    if path in ("WhoAmI", "WhoAmI()"):
        return _only(method, "GET", webapi_service.who_am_i), {}
    if path.startswith("EntityDefinitions") or path == "RelationshipDefinitions":
        return _metadata(method, path)
    m = _SET.match(path)
    if not m or catalog.by_set(m.group(1)) is None:
        raise errors.segment_not_found(path.split("/")[0].split("(")[0])
    entity_set = m.group(1)
    key, tail = _split_key(path[m.end():])
    tail = tail[1:] if tail.startswith("/") else tail
    if tail and not path[m.end():].startswith(("(", "/")):
        raise errors.segment_not_found(path.split("/")[0])
    args: dict[str, Any] = {"entity_set": entity_set}
    if key is None:
        if tail == "":
            if method == "GET":
                deltas = "$deltatoken=" in query
                return (webapi_read.retrieve_changes if deltas else webapi_read.retrieve_multiple), args
            if method == "POST":
                return webapi_write.create, args
            raise _not_allowed(method)
        if tail == "$count":
            return _only(method, "GET", webapi_read.count_records), args
        raise errors.segment_not_found(tail)
    args["key"] = key
    if tail == "":
        handlers: dict[str, Handler] = {"GET": webapi_read.retrieve, "PATCH": webapi_write.upsert,
                                        "DELETE": webapi_write.delete}
        if method not in handlers:
            raise _not_allowed(method)
        return handlers[method], args
    if tail.endswith("/$ref"):
        args["nav"] = tail[: -len("/$ref")]
        table = catalog.by_set(entity_set)
        if table is not None and webapi_associate.relationship(table.logical, args["nav"]) is not None:
            handlers = {"POST": webapi_associate.associate, "DELETE": webapi_associate.disassociate}
        else:
            handlers = {"PUT": webapi_write.set_reference, "DELETE": webapi_write.delete_reference}
        if method not in handlers:
            raise _not_allowed(method)
        return handlers[method], args
    if "/" in tail:
        raise errors.segment_not_found(tail.split("/")[-1])
    args["prop"] = tail
    handlers = {"GET": webapi_read.retrieve_property, "PUT": webapi_write.update_property,
                "DELETE": webapi_write.delete_property}
    if method not in handlers:
        raise _not_allowed(method)
    return handlers[method], args


_DEFINITION = re.compile(r"^EntityDefinitions\(([^)]*)\)(/Attributes)?$")


def _metadata(method: str, path: str) -> tuple[Handler, dict[str, Any]]:
    """Reads of any definition; creates of tables, columns and relationships; the change-tracking flag by PUT."""
    if method == "GET" and path != "RelationshipDefinitions":
        return metadata.retrieve_entity_definitions, {"path": path}
    if path == "EntityDefinitions":
        return _only(method, "POST", metadata_write.create_entity_definition), {}
    if path == "RelationshipDefinitions":
        return _only(method, "POST", metadata_write.create_relationship), {}
    m = _DEFINITION.match(path)
    if m and m.group(2):
        return _only(method, "POST", metadata_write.create_attribute), {"key": m.group(1)}
    if m:
        return _only(method, "PUT", metadata_write.update_entity_definition), {"key": m.group(1)}
    raise _not_allowed(method)


def _only(method: str, allowed: str, handler: Handler) -> Handler:
    if method != allowed:
        raise _not_allowed(method)
    return handler


def dispatch(svc: Services, req: ApiRequest) -> tuple[Handler, ApiResponse]:
    handler, args = resolve(svc.store.catalog, req.method, req.path, req.query)
    return handler, handler(svc, req, **args)
