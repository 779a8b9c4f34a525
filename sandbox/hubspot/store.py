"""The sandbox's state and every change to it, API or admin: create, update, archive, purge, merge, associate.

Writes validate first (``validation.py``) and raise ``Rejected`` with the error HubSpot would give, so batch
endpoints can collect per-record errors and single-record endpoints can answer 400/404/409 with the same body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.common.clock import Clock
from sandbox.hubspot.associations import Associations, link_at, link_ids
from sandbox.hubspot.errors import ApiError
from sandbox.hubspot.owners import Owner
from sandbox.hubspot.pipelines import Pipelines
from sandbox.hubspot.records import Link, Rec, Table, Values
from sandbox.hubspot.schema import ObjectSchema, PropertyDef
from sandbox.hubspot.timefmt import to_ms
from sandbox.hubspot.types import ObjectTypes, TypeEntry
from sandbox.hubspot.validation import Problem, check_properties, problems_message


class Rejected(Exception):
    """One record's write refused, as HubSpot reports it (an entry of a 207's ``errors`` or a whole 4xx body)."""

    def __init__(self, status: int, category: str, message: str, *, context: dict[str, list[str]] | None = None,
                 errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.status, self.category, self.message = status, category, message
        self.context = context or {}
        self.errors = errors or []

    @classmethod
    def invalid(cls, problems: list[Problem], *, ids: list[str] | None = None) -> Rejected:
        context = {"propertyName": [p.prop for p in problems]}
        if ids:
            context = {"ids": ids, **context}
        return cls(400, "VALIDATION_ERROR", problems_message(problems), context=context,
                   errors=[p.to_json() for p in problems])

    def entry(self) -> dict[str, Any]:
        return {"status": "error", "category": self.category, "message": self.message, "context": self.context,
                "errors": self.errors, "links": {}}

    def api_error(self) -> ApiError:
        extra: dict[str, Any] = {"errors": self.errors} if self.errors else {}
        if self.context:
            extra["context"] = self.context
        return ApiError(self.status, self.message, self.category, **extra)


class Store:
    def __init__(self, *, schemas: dict[str, ObjectSchema], types: ObjectTypes, pipelines: Pipelines,
                 owners: list[Owner], clock: Clock, lag_ms: int, portal_id: int) -> None:
        self.schemas = schemas
        self.types = types
        self.pipelines = pipelines
        self.portal_id = portal_id
        self.tables = {name: Table(schema) for name, schema in schemas.items()}
        self.assoc = Associations(self.tables)
        self.owners = owners
        self.clock = clock
        self.lag_ms = lag_ms
        # Saves per record through update() (API or a person): how a test proves a write applied exactly once.
        self.saves: dict[tuple[str, int], int] = {}

    def now_ms(self) -> int:
        return to_ms(self.clock.now())

    # -- creating and editing -------------------------------------------------------------------------------------
    def create(self, otype: str, props: Mapping[str, object], *, person: int = -1,
               associations: list[Any] | None = None) -> Rec:
        table = self.tables[otype]
        clean, problems = check_properties(table.schema, props, creating=True)
        if problems:
            raise Rejected.invalid(problems)
        self._check_unique(table, clean, None)
        targets = self._parse_associations(otype, associations or [])
        now = self.now_ms()
        values = self._merge_values((), table.schema, clean)
        links: tuple[Link, ...] = tuple(0 for _ in table.schema.link_targets)
        rec = Rec(table.allocate_id(), values, now, now, links=links, person=person)
        if otype == "contacts" and clean.get("associatedcompanyid"):
            rec.links = (int(float(clean["associatedcompanyid"])),)
        table.insert(rec)
        for to_type, to_id in targets:
            self._associate(otype, rec, to_type, to_id, now)
        if any(rec.links):
            self.assoc.changed(otype)
        return rec

    def update(self, otype: str, rec: Rec, props: Mapping[str, object]) -> Rec:
        table = self.tables[otype]
        clean, problems = check_properties(table.schema, props, creating=False)
        if problems:
            raise Rejected.invalid(problems, ids=[str(rec.id)])
        self._check_unique(table, clean, rec)
        self._write(otype, rec, clean, self.now_ms())
        self.saves[(otype, rec.id)] = self.saves.get((otype, rec.id), 0) + 1
        return rec

    def touch_many(self, otype: str, recs: list[Rec], clean: dict[str, str], when: int) -> None:
        """Give every record of ``recs`` the same new version at ``when`` (a mass update or an import)."""
        for rec in recs:
            self._write(otype, rec, clean, when)

    def archive(self, otype: str, rec: Rec) -> None:
        self.tables[otype].archive(rec, self.now_ms())

    def purge(self, otype: str, rec: Rec) -> None:
        self.tables[otype].purge(rec, self.now_ms())
        self.assoc.changed(otype)

    def add_property(self, otype: str, prop: PropertyDef) -> None:
        self.schemas[otype].add(prop)
        if prop.unique:
            self.tables[otype].add_unique_index(prop.name)

    def add_object(self, schema: ObjectSchema, entry: TypeEntry, aliases: tuple[str, ...]) -> None:
        """A custom object's records become servable under every name HubSpot gives the type."""
        self.schemas[schema.name] = schema
        self.tables[schema.name] = Table(schema)
        self.types.add(entry, aliases)

    def associate_types(self, owner_type: str, target_type: str) -> tuple[int, int]:
        """Define an association between two types; stored on ``owner_type``'s records (a custom object's)."""
        schema = self.schemas[owner_type]
        if target_type not in schema.link_targets and owner_type not in self.schemas[target_type].link_targets:
            schema.link_targets = (*schema.link_targets, target_type)
        return self.assoc.types.define(owner_type, target_type)

    def associate(self, from_type: str, rec: Rec, to_type: str, to_id: int, *, labels: tuple[int, ...] = ()) -> None:
        """Associate two live records (a person's edit: both are saved, so both modified dates move), with the
        USER_DEFINED labels given (type ids in the from → to direction) replacing the pair's labels."""
        target = self.tables[to_type].resolve(to_id)
        if target is None:
            raise Rejected(404, "OBJECT_NOT_FOUND", f"Object {to_type}/{to_id} not found")
        now = self.now_ms()
        self._associate(from_type, rec, to_type, target.id, now)
        owning = to_type in self.schemas[from_type].link_targets
        if owning:
            key, stored = (from_type, rec.id, to_type, target.id), labels
        else:
            pair = (from_type, to_type)
            key = (to_type, target.id, from_type, rec.id)
            defs = [self.assoc.types.label_of(pair, t) for t in labels]
            stored = tuple(d.inverse_id for d in defs if d is not None)
        if stored:
            self.assoc.pair_labels[key] = stored
        else:
            self.assoc.pair_labels.pop(key, None)
        for otype, touched in ((from_type, rec), (to_type, target)):
            self._write(otype, touched, {}, now)

    def dissociate(self, from_type: str, rec: Rec, to_type: str, to_id: int) -> bool:
        """Remove every association (and label) between two records; True when there was one."""
        owned = self.schemas[from_type].link_targets
        if to_type in owned:
            owner_type, owner, target_type, target = from_type, rec, to_type, to_id
        else:
            other = self.tables[to_type].recs.get(to_id)
            if other is None:
                return False
            owner_type, owner, target_type, target = to_type, other, from_type, rec.id
        slot = self.schemas[owner_type].link_targets.index(target_type)
        ids = link_ids(link_at(owner, slot))
        if target not in ids:
            return False
        links = self._padded(owner_type, owner)
        rest = tuple(i for i in ids if i != target)
        links[slot] = rest[0] if len(rest) == 1 else (rest or 0)
        owner.links = tuple(links)
        self.assoc.pair_labels.pop((owner_type, owner.id, target_type, target), None)
        self.assoc.changed(owner_type)
        now = self.now_ms()
        self._write(from_type, rec, {}, now)
        other_rec = self.tables[to_type].recs.get(to_id)
        if other_rec is not None and other_rec.live:
            self._write(to_type, other_rec, {}, now)
        return True

    # -- merging -------------------------------------------------------------------------------------------------
    def merge(self, otype: str, primary_id: int, merged_id: int) -> Rec:
        table = self.tables[otype]
        primary, merged = table.resolve(primary_id), table.resolve(merged_id)
        for rid, rec in ((primary_id, primary), (merged_id, merged)):
            if rec is None:
                raise ApiError(404, f"Object {otype}/{rid} not found", "OBJECT_NOT_FOUND")
        assert primary is not None and merged is not None
        if primary is merged:
            raise ApiError(400, f"{primary_id} and {merged_id} are the same record and cannot be merged")
        now = self.now_ms()
        schema = table.schema
        filled: dict[str, str] = {}
        for name, column in schema.columns.items():
            if not primary.get(column) and merged.get(column) and not schema.props[name].read_only:
                filled[name] = merged.get(column) or ""
        if "hs_merged_object_ids" in schema.columns:
            absorbed = [i for i in (primary.get(schema.columns["hs_merged_object_ids"]) or "").split(";") if i]
            absorbed += [str(merged.id)]
            absorbed += [i for i in (merged.get(schema.columns["hs_merged_object_ids"]) or "").split(";") if i]
            filled["hs_merged_object_ids"] = ";".join(absorbed)
        width = len(schema.link_targets)
        primary.links = tuple(self._union(p, m) for p, m in zip(self._padded(otype, primary),
                                                                   self._padded(otype, merged), strict=True))
        if width:
            self.assoc.changed(otype)
        table.mark_merged(merged, primary.id, now)  # first, so the primary can take over its unique values
        self._write(otype, primary, filled, now)
        self._repoint(otype, merged.id, primary.id, now)
        return primary

    # -- associations --------------------------------------------------------------------------------------------
    def _parse_associations(self, otype: str, raw: list[Any]) -> list[tuple[str, int]]:
        targets: list[tuple[str, int]] = []
        for item in raw:
            try:
                to_id = int(str(item["to"]["id"]))
                type_ids = [int(t["associationTypeId"]) for t in item["types"]]
            except (KeyError, TypeError, ValueError) as exc:
                raise Rejected(400, "VALIDATION_ERROR", f"Invalid association input: {item!r}") from exc
            by_id = self.assoc.types.by_id()
            for type_id in type_ids:
                pair = by_id.get(type_id)
                if pair is None or pair[0] != otype:
                    raise Rejected(400, "VALIDATION_ERROR",
                                   f"{type_id} is not a valid association type id from {otype}")
                target = self.tables[pair[1]].resolve(to_id)
                if target is None:
                    raise Rejected(404, "OBJECT_NOT_FOUND", f"Object {pair[1]}/{to_id} not found",
                                   context={"ids": [str(to_id)]})
                targets.append((pair[1], target.id))
        return targets

    def _associate(self, from_type: str, rec: Rec, to_type: str, to_id: int, now: int) -> None:
        owned = self.schemas[from_type].link_targets
        if to_type in owned:
            owner, owner_type, slot, target = rec, from_type, owned.index(to_type), to_id
        else:
            owner_type, owner = to_type, self.tables[to_type].recs[to_id]
            slot, target = self.schemas[to_type].link_targets.index(from_type), rec.id
        links = self._padded(owner_type, owner)
        ids = link_ids(links[slot])
        if target not in ids:
            links[slot] = target if not ids else (*ids, target)
        owner.links = tuple(links)
        if owner_type == "contacts" and not owner.get(self.schemas["contacts"].columns["associatedcompanyid"]):
            self._write("contacts", owner, {"associatedcompanyid": str(target)}, now)
        self.assoc.changed(owner_type)

    def _repoint(self, otype: str, old: int, new: int, now: int) -> None:
        """Move every association pointing at a merged-away record to its survivor."""
        for owner_type, schema in self.schemas.items():
            if otype not in schema.link_targets:
                continue
            slot = schema.link_targets.index(otype)
            table = self.tables[owner_type]
            for oid in self.assoc.owners_of(owner_type, otype, old):
                owner = table.recs.get(oid)
                if owner is None:
                    continue
                ids = tuple(dict.fromkeys(new if i == old else i for i in link_ids(link_at(owner, slot))))
                links = self._padded(owner_type, owner)
                links[slot] = ids[0] if len(ids) == 1 else ids
                owner.links = tuple(links)
                self._move_labels(owner_type, owner.id, otype, old, new)
                if owner_type == "contacts" and owner.live:
                    first = link_ids(links[slot])[:1]
                    self._write("contacts", owner, {"associatedcompanyid": str(first[0]) if first else ""}, now)
                elif owner.live and owner_type == "deals":
                    self._write(owner_type, owner, {}, now)  # its associated contacts changed (a calculated roll-up)
            self.assoc.changed(owner_type)

    def _move_labels(self, owner_type: str, owner_id: int, target_type: str, old: int, new: int) -> None:
        """A merged-away record's labels on a pair go to its survivor's pair (kept where the survivor has its own)."""
        labels = self.assoc.pair_labels.pop((owner_type, owner_id, target_type, old), None)
        if labels:
            self.assoc.pair_labels.setdefault((owner_type, owner_id, target_type, new), labels)

    def _padded(self, otype: str, rec: Rec) -> list[Link]:
        """The record's links as a list as wide as its schema's targets (older records are shorter)."""
        width = len(self.schemas[otype].link_targets)
        links: list[Link] = list(rec.links or ())
        return links + [0] * (width - len(links))

    @staticmethod
    def _union(primary: Link, merged: Link) -> Link:
        ids = tuple(dict.fromkeys(link_ids(primary) + link_ids(merged)))
        return ids[0] if len(ids) == 1 else (ids or 0)

    # -- helpers -------------------------------------------------------------------------------------------------
    def _write(self, otype: str, rec: Rec, clean: Mapping[str, str], when: int) -> None:
        table = self.tables[otype]
        table.replace(rec, self._merge_values(rec.values, table.schema, clean), when, lag_ms=self.lag_ms)
        if otype == "contacts" and "associatedcompanyid" in clean:
            raw = clean["associatedcompanyid"]
            rec.links = (int(float(raw)) if raw else 0,)
            self.assoc.changed("contacts")

    @staticmethod
    def _merge_values(old: Values, schema: ObjectSchema, clean: Mapping[str, str]) -> Values:
        values: list[str | None] = list(old) + [None] * (len(schema.columns) - len(old))
        for name, value in clean.items():
            values[schema.columns[name]] = value
        return tuple(values)

    def _check_unique(self, table: Table, clean: Mapping[str, str], rec: Rec | None) -> None:
        for prop in table.unique:
            value = clean.get(prop)
            if not value:
                continue
            existing = table.find_unique(prop, value)
            if existing is not None and existing is not rec:
                label = table.schema.singular.title()
                raise Rejected(409, "CONFLICT", f"{label} already exists. Existing ID: {existing.id}",
                               context={"existingId": [str(existing.id)]})
