"""Setup → Object Manager → Create Custom Object, for tests and the demo (``POST /_admin/objects``).

Salesforce creates custom objects through the Metadata API (or Setup); this sandbox takes the same facts as one
JSON body instead (``objects_custom.custom_object`` reads it). The new object is served at once by everything the
standard objects are: describe and the global describe (``custom: true``), SOQL ``query``/``queryAll``, sObject rows,
Collections, Bulk 2.0, ``updated/``/``deleted/``, the admin's truth, edits and deletes, and fault injection. It lives
as long as the sandbox process, like a field added through ``/_admin/fields``.
"""

from __future__ import annotations

from typing import Any

from sandbox.salesforce.errors import ApiError
from sandbox.salesforce.objects_custom import custom_object
from sandbox.salesforce.org import Org


def create_object(org: Org, body: dict[str, Any]) -> dict[str, Any]:
    name = str(body.get("name") or "")
    if org.catalog.get(name) is not None:
        raise ApiError(400, "DUPLICATE_DEVELOPER_NAME", f"this org already has an object named {name}")
    obj = custom_object(body, prefix=org.catalog.next_custom_prefix())
    for f in obj.fields:
        missing = [t for t in f.reference_to if org.catalog.get(t) is None and t != obj.name]
        if f.type == "reference" and missing:
            raise ApiError(400, "INVALID_FIELD", f"{name}.{f.name}: reference_to names no object of this org: "
                           f"{', '.join(missing)}")
    org.store.add_object(obj)
    return {"object": obj.name, "keyPrefix": obj.key_prefix, "custom": True,
            "fields": [{"name": f.name, "type": f.type, "referenceTo": list(f.reference_to)} for f in obj.api_fields]}
