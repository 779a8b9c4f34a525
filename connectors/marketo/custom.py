"""Reading a Marketo custom object: Bulk Custom Object Extract jobs over ``updatedAt`` windows of at most 31 days.

Marketo's REST query needs known key values (``filterType`` on a dedupe, GUID or link field, at most 300 values),
so it cannot list what changed; the bulk extract's ``updatedAt`` filter can, and it is the only incremental read
there is. It exports only types linked directly to a lead, so a type without a lead link is a ConfigError.

- First read: windows from the type's ``createdAt`` (its approval: no record is older) to now - settle lag, each
  window a batch whose cursor is that window's end, so a failed load resumes at the window it stopped in.
- Then: windows from the watermark; both bounds are inclusive, so a record on a boundary is read twice, never lost.
- Deletes: Marketo logs nothing when a custom object record is deleted (no activity, no deleted list; its product
  docs: "An activity log entry is not created when a custom object record is changed"). So every
  ``reconcile_every`` (and on a full refresh) the read exports the type's whole life, up to a day past our clock
  (a record touched during the read still falls in a window), and the GUIDs it saw are the complete listing: a
  record live in the store but absent from it was deleted, in Marketo or with its lead. This costs one export job
  per 31 days of the type's life against the 500 MB daily export allowance shared with leads and activities.
- ``companyKey`` (derived): the company key of the linked lead, read 300 leads a call, so ``account_id`` resolves
  to the company rollup (connectors/marketo/companies.py) as a lead's does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from connectors.base import ChangeBatch, Cursor, ObjectSpec, Record
from connectors.errors import ConfigError
from connectors.marketo.bulk import LeadExport, windows
from connectors.marketo.client import MarketoClient
from connectors.marketo.companies import company_key
from connectors.marketo.custom_types import COMPANY_KEY, SYSTEM_FIELDS, CustomType, CustomTypes
from connectors.marketo.objects import BATCH, RECONCILE_HOURS
from connectors.marketo.state import CustomState
from connectors.marketo.values import chunks, wire_instant

SKEW = timedelta(days=1)  # a listing reaches this far past our clock: records touched during the read are in it
EXPORT = "/bulk/v1/customobjects/{name}/export"


def typed(record: Record, types: dict[str, str]) -> Record:
    """CSV text as the describe's types (what the REST query would have answered), so the store sees no change."""
    out: Record = {}
    for name, value in record.items():
        kind = types.get(name, "string")
        if value is None or value == "":
            out[name] = None
        elif kind == "integer":
            out[name] = int(float(value))
        elif kind in ("float", "currency"):
            out[name] = float(value)
        elif kind == "boolean":
            out[name] = str(value).strip().lower() == "true"
        else:
            out[name] = value
    return out


class CustomObjectReader:
    def __init__(self, client: MarketoClient, types: CustomTypes, *, settle_lag: timedelta,
                 clock: Callable[[], datetime], reconcile_every: timedelta = timedelta(hours=RECONCILE_HOURS),
                 export: Callable[[str], LeadExport] | None = None) -> None:
        self.client, self.types, self.settle_lag, self.clock = client, types, settle_lag, clock
        self.reconcile_every = reconcile_every
        self.export = export or (lambda name: LeadExport(client, base=EXPORT.format(name=name), obj=name,
                                                         skip_empty=True))

    def read(self, spec: ObjectSpec, since: Cursor, fields: Sequence[str], full_refresh: bool) -> Iterator[ChangeBatch]:
        t = self.types.get(spec.name)
        if t.lead_link is None:
            raise ConfigError(f"custom object {t.name!r} is not linked to a lead: Marketo's bulk extract exports only "
                              f"custom objects linked directly to a lead, and its REST query needs known key values, "
                              f"so crmhub cannot read it (links: {t.links or 'none'})",
                              connection=self.client.connection, object=spec.name)
        state = CustomState() if full_refresh else CustomState.from_state(
            since.state, connection=self.client.connection, object=spec.name)
        hi = (self.clock() - self.settle_lag).replace(microsecond=0)  # export filters take whole seconds
        loading = not full_refresh and (since.watermark is None or state.loading)
        due = state.listed_at is None or hi - state.listed_at >= self.reconcile_every
        listing = full_refresh or (not loading and due)
        born = (t.created_at or hi) - timedelta(seconds=1)
        lo = since.watermark.replace(microsecond=0) if since.watermark and not listing else born
        end = (self.clock() + SKEW).replace(microsecond=0) if listing else hi
        keyed = COMPANY_KEY in fields
        names = sorted((set(fields) - {COMPANY_KEY, "id"}) | set(SYSTEM_FIELDS) | {t.lead_link[0]})
        before = self.client.calls
        seen: set[str] = set()
        done = since.watermark
        # A failed listing keeps the old state (the next read lists again); a first load's windows are its progress.
        during = CustomState(state.listed_at, loading=True) if loading else state
        for start, stop, rows in self.export(t.name).run(names, "updatedAt", windows(lo, end)):
            records = [typed(r, t.field_types()) for r in rows]
            if keyed:
                records = self._with_company_keys(t, records)
            seen.update(str(r["marketoGUID"]) for r in records)
            done = min(hi, stop) if done is None else max(done, min(hi, stop))
            note = f"bulk export of {t.name} updated in [{wire_instant(start)}, {wire_instant(stop)}]"
            yield ChangeBatch(spec, records, [], Cursor(done, during.to_state()), self.client.calls - before, (note,))
            before = self.client.calls
        # The first load saw every record there was (nothing older is in the store): it counts as a listing.
        final = CustomState(hi if listing or loading else state.listed_at)
        note = (f"every {t.name} record listed (deleted ones reconciled)" if listing else
                f"{t.name} read up to {wire_instant(hi)}")
        yield ChangeBatch(spec, [], [], Cursor(hi, final.to_state()),
                          self.client.calls - before, (note,), live_ids=frozenset(seen) if listing else None)

    def _with_company_keys(self, t: CustomType, records: list[Record]) -> list[Record]:
        assert t.lead_link is not None
        link, lead_field = t.lead_link
        wanted = sorted({str(r[link]) for r in records if r.get(link) not in (None, "")})
        companies: dict[str, Any] = {}
        for part in chunks(wanted, BATCH):
            body = self.client.get("/rest/v1/leads.json", {"filterType": lead_field, "filterValues": ",".join(part),
                                                           "fields": f"{lead_field},company"}, obj=t.name)
            for lead in body.get("result") or ():
                companies[str(lead.get(lead_field)).strip().lower()] = lead.get("company")
        return [{**r, COMPANY_KEY: company_key(companies.get(str(r.get(link)).strip().lower()))} for r in records]
