"""Describe, cached per connector: field types (to type Bulk CSV cells), formula fields, and discover's answer."""

from __future__ import annotations

import threading
from typing import Any

from connectors.base import FieldInfo, ObjectSchema
from connectors.salesforce.client import SalesforceClient


class Describer:
    def __init__(self, client: SalesforceClient) -> None:
        self.client = client
        self._cache: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def describe(self, obj: str) -> dict[str, Any]:
        with self._lock:
            if obj not in self._cache:
                self._cache[obj] = self.client.get_json(f"sobjects/{obj}/describe", obj=obj)
            return self._cache[obj]

    def types(self, obj: str) -> dict[str, str]:
        return {f["name"]: str(f.get("type", "string")) for f in self.describe(obj).get("fields", [])}

    def calculated(self, obj: str) -> set[str]:
        """Formula and roll-up fields: they change without SystemModstamp moving, so a re-read must fetch them."""
        return {f["name"] for f in self.describe(obj).get("fields", []) if f.get("calculated")}

    def schema(self, obj: str) -> ObjectSchema:
        described = self.describe(obj)
        return ObjectSchema(obj, tuple(_field(f) for f in described.get("fields", [])),
                            custom=bool(described.get("custom", obj.endswith("__c"))))

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()


def _field(f: dict[str, Any]) -> FieldInfo:
    return FieldInfo(
        name=str(f["name"]), type=str(f.get("type", "string")), label=str(f.get("label", "")),
        custom=bool(f.get("custom", str(f["name"]).endswith("__c"))), calculated=bool(f.get("calculated", False)),
        updateable=bool(f.get("updateable", False)),
        options=tuple(str(p.get("value", "")) for p in f.get("picklistValues") or [] if p.get("active", True)),
    )
