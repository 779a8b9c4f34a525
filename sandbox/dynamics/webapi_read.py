"""Reading rows: collections (paged, counted, tracked), single rows, single properties and ``/$count``."""

from __future__ import annotations

from typing import Any

from sandbox.dynamics import errors, keys, paging, query
from sandbox.dynamics.messages import ApiRequest, ApiResponse
from sandbox.dynamics.query_options import MAX_PAGE, Expand, Preferences, QueryOptions, parse_prefer, parse_query
from sandbox.dynamics.render import check_expand, select_attrs
from sandbox.dynamics.schema import Attr, Table
from sandbox.dynamics.services import Services
from sandbox.dynamics.tracking import Change
from sandbox.dynamics.values import to_json

TOTAL = "Microsoft.Dynamics.CRM.totalrecordcount"
TOTAL_EXCEEDED = "Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded"


def table_of(svc: Services, entity_set: str) -> Table:
    return svc.store.catalog.entity_set(entity_set)


def context(req: ApiRequest, table: Table, select: list[str] | None, expands: list[Expand], suffix: str = "") -> str:
    def shape(sel: list[str] | None, exp: list[Expand]) -> str:
        parts = list(sel or []) + [f"{e.nav}({shape(e.select, e.expand)})" if (e.select or e.expand) else e.nav
                                   for e in exp]
        return ",".join(parts)

    inner = shape(select if select != ["*"] else None, expands)
    return f"{req.api_base}$metadata#{table.entity_set}" + (f"({inner})" if inner else "") + suffix


def applied(prefs: Preferences, *, page_size_honoured: bool, tracking: bool = False) -> dict[str, str]:
    out = []
    if prefs.maxpagesize is not None and page_size_honoured:
        out.append(f"odata.maxpagesize={prefs.maxpagesize}")
    if prefs.annotations:
        out.append(f'odata.include-annotations="{",".join(prefs.annotations)}"')
    if tracking:
        out.append("odata.track-changes")
    return {"Preference-Applied": ",".join(out)} if out else {}


def page_size(opts: QueryOptions, prefs: Preferences) -> tuple[int, bool, bool]:
    """(rows per page, whether odata.maxpagesize was honoured, whether $top ends the query after one page)."""
    if prefs.maxpagesize is not None:
        if 0 < prefs.maxpagesize <= MAX_PAGE:
            return prefs.maxpagesize, True, False
        return MAX_PAGE, False, False  # too large: the service falls back to its default page size
    if opts.top is not None:
        return min(opts.top, MAX_PAGE), False, True
    return MAX_PAGE, False, False


def retrieve_multiple(svc: Services, req: ApiRequest, entity_set: str) -> ApiResponse:
    table = table_of(svc, entity_set)
    opts, prefs = parse_query(req.query), parse_prefer(req.prefer)
    if prefs.track_changes:
        svc.tracker.require(table)
        for name, present in (("$filter", opts.filter), ("$orderby", opts.orderby), ("$expand", opts.expand),
                              ("$top", opts.top is not None)):
            if present:
                raise errors.odata_error(f'The "{name}" query parameter isn\'t supported when Change Tracking is '
                                         "enabled.")
    attrs = select_attrs(table, opts.select)
    check_expand(svc.store.catalog, table, opts.expand)
    plan = query.plan(svc.store, table, opts.filter, opts.orderby)
    size, honoured, single_page = page_size(opts, prefs)
    cursor = paging.decode(opts.skiptoken, plan.columns) if opts.skiptoken else None
    tracking = prefs.track_changes or bool(cursor and cursor.tracking)
    snapshot = int(cursor.extra.get("snapshot", svc.store.version)) if cursor else svc.store.version
    page = query.run(svc.store, plan, size=size, cursor=cursor, count=opts.count)
    body: dict[str, Any] = {"@odata.context": context(req, table, opts.select, opts.expand)}
    if page.count is not None:
        body["@odata.count"] = page.count
        if prefs.wants(TOTAL):
            body[f"@{TOTAL}"] = page.count
        if prefs.wants(TOTAL_EXCEEDED):
            body[f"@{TOTAL_EXCEEDED}"] = page.count >= query.COUNT_CAP
    elif prefs.wants(TOTAL):
        body[f"@{TOTAL}"] = -1
    body["value"] = [svc.renderer.record(table, row, attrs, prefs, opts.expand) for row in page.rows]
    if page.cursor is not None and not single_page:
        page.cursor.tracking = tracking
        if tracking:
            page.cursor.extra["snapshot"] = str(snapshot)
        body["@odata.nextLink"] = _link(req, table, opts, **{"$skiptoken": paging.encode(page.cursor)})
    elif tracking:
        body["@odata.deltaLink"] = _link(req, table, opts, **{"$deltatoken": svc.tracker.token(snapshot)})
    return ApiResponse(200, body, applied(prefs, page_size_honoured=honoured, tracking=prefs.track_changes))


def _link(req: ApiRequest, table: Table, opts: QueryOptions, **replace: str) -> str:
    pairs = [(k, v) for k, v in opts.raw if k not in ("$skiptoken", "$deltatoken")]
    return f"{req.api_base}{table.entity_set}?{paging.query_string(pairs, **replace)}"


def retrieve_changes(svc: Services, req: ApiRequest, entity_set: str) -> ApiResponse:
    """Follow a delta link: changed rows, then ``$deletedEntity`` entries, then the next delta link."""
    table = table_of(svc, entity_set)
    opts, prefs = parse_query(req.query), parse_prefer(req.prefer)
    svc.tracker.require(table)
    assert opts.deltatoken is not None
    since = svc.tracker.parse(opts.deltatoken)
    attrs = select_attrs(table, opts.select)
    size, honoured, _ = page_size(QueryOptions(raw=[]), prefs)
    columns = ["phase", "versionnumber", table.primary_id]
    cursor = paging.decode(opts.skiptoken, columns) if opts.skiptoken else None
    until = int(cursor.extra["snapshot"]) if cursor else svc.store.version
    after = (cursor.last[0] == "deleted", int(cursor.last[1])) if cursor else None
    changes = svc.tracker.changes(table, since=since, until=until, after=after)
    state = svc.store.state(table.logical)
    value: list[dict[str, Any]] = []
    last: Change | None = None
    for change in changes:
        if len(value) == size and last is not None:
            cursor_next = paging.Cursor((cursor.page + 1) if cursor else 2, columns,
                                        ["deleted" if last.deleted else "rows", last.version, last.id],
                                        tracking=True, extra={"snapshot": str(until)})
            body = {"@odata.context": context(req, table, opts.select, [], "/$delta"), "value": value,
                    "@odata.nextLink": _link(req, table, opts, **{"$deltatoken": opts.deltatoken,
                                                                 "$skiptoken": paging.encode(cursor_next)})}
            return ApiResponse(200, body, applied(prefs, page_size_honoured=honoured))
        last = change
        if change.deleted:
            value.append({"@odata.context": f"{req.api_base}$metadata#{table.entity_set}/$deletedEntity",
                          "id": change.id, "reason": "deleted"})
        else:
            value.append(svc.renderer.record(table, state.rows[change.id], attrs, prefs, []))
    if not value and cursor is None and svc.settings.unchanged_delta == "empty":
        # Nothing changed since the token: the platform answers an empty JSON object, no delta link; the client
        # keeps following the one it has.
        return ApiResponse(200, {}, applied(prefs, page_size_honoured=honoured))
    body = {
        "@odata.context": context(req, table, opts.select, [], "/$delta"),
        "@odata.deltaLink": _link(req, table, opts, **{"$deltatoken": svc.tracker.token(until)}),
        "value": value,
    }
    return ApiResponse(200, body, applied(prefs, page_size_honoured=honoured))


def count_records(svc: Services, req: ApiRequest, entity_set: str) -> ApiResponse:
    table = table_of(svc, entity_set)
    opts = parse_query(req.query)
    if opts.deltatoken:
        since = svc.tracker.parse(opts.deltatoken)
        n = sum(1 for _ in svc.tracker.changes(table, since=since, until=svc.store.version, after=None))
        return ApiResponse(200, str(n))
    plan = query.plan(svc.store, table, opts.filter, [])
    return ApiResponse(200, str(query.run(svc.store, plan, size=0, cursor=None, count=True).count))


def find_row(svc: Services, table: Table, key_text: str) -> list[Any]:
    key = keys.parse_key(table, key_text)
    record_id = keys.resolve(svc.store, table, key)
    if record_id is None:
        raise keys.missing(table, key)
    row = svc.store.get(table.logical, record_id)
    assert row is not None
    return row


def retrieve(svc: Services, req: ApiRequest, entity_set: str, key: str) -> ApiResponse:
    table = table_of(svc, entity_set)
    opts, prefs = parse_query(req.query), parse_prefer(req.prefer)
    for name, present in (("$filter", opts.filter), ("$orderby", opts.orderby), ("$top", opts.top is not None)):
        if present:
            raise errors.odata_error(f"The query parameter {name} is not supported on a single entity.")
    attrs = select_attrs(table, opts.select)
    check_expand(svc.store.catalog, table, opts.expand)
    row = find_row(svc, table, key)
    etag = f'W/"{row[table.col["versionnumber"]]}"'
    if req.headers.get("if-none-match") == etag and not opts.expand and not prefs.annotations:
        return ApiResponse(304)
    body = {"@odata.context": context(req, table, opts.select, opts.expand, "/$entity"),
            **svc.renderer.record(table, row, attrs, prefs, opts.expand)}
    return ApiResponse(200, body, applied(prefs, page_size_honoured=False))


def property_attr(table: Table, prop: str) -> Attr:
    attr = table.by_prop.get(prop)
    if attr is None:
        raise errors.no_property(table.type_name, prop)
    return attr


def retrieve_property(svc: Services, req: ApiRequest, entity_set: str, key: str, prop: str) -> ApiResponse:
    table = table_of(svc, entity_set)
    attr = property_attr(table, prop)
    row = find_row(svc, table, key)
    value = row[table.col[attr.name]]
    if value is None:
        return ApiResponse(204)
    record_id = row[table.col[table.primary_id]]
    return ApiResponse(200, {"@odata.context": f"{req.api_base}$metadata#{entity_set}({record_id})/{prop}",
                             "value": to_json(attr, value)})
