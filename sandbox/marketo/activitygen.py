"""Generate the seeded activity log for every lead at once, with numpy, so a million people take seconds.

Engaged people (and converters, before they convert) visit pricing and demo pages, fill out demo requests and
click emails more; everyone gets monthly newsletters, bounces when their address is malformed, and sometimes
unsubscribes. Scores, interesting moments and status changes follow from those events, and the leads' final
``leadScore``, ``leadStatus``, ``rating``, ``unsubscribed`` and ``updatedAt`` agree with the log.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox.marketo import activity_types as t
from sandbox.marketo import catalog as c
from sandbox.marketo.seeded_columns import SeededColumns

DAY = 86_400
_EPOCH_MONTH = (c.month_start(0).year - 1970) * 12 + c.month_start(0).month - 1


@dataclass
class LeadArrays:
    """Per-lead inputs, aligned by position."""

    lead_id: np.ndarray      # int64
    created: np.ndarray      # int64 epoch seconds
    end: np.ndarray          # int64: the last moment this lead can act (deletion or the log's end)
    engagement: np.ndarray   # float64 0..1
    converted: np.ndarray    # bool
    conv_ts: np.ndarray      # int64
    malformed: np.ndarray    # bool: every email to this lead bounces
    active: np.ndarray       # bool: False for duplicate records, which only get a form fill
    deleted: np.ndarray      # bool
    source: np.ndarray       # int64 index into catalog.NEW_LEAD_SOURCES


@dataclass
class LeadOutcomes:
    score: np.ndarray        # int64 final leadScore
    status: np.ndarray       # int8 index into catalog.LEAD_STATUSES
    rating: np.ndarray       # int8: 0 none, 1 Warm, 2 Hot
    unsubscribed: np.ndarray  # bool
    updated: np.ndarray      # int64 last standard-field change


class _Events:
    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(self, li: np.ndarray, date: np.ndarray, type_id: int | np.ndarray, pav: int | np.ndarray,
            variant: int | np.ndarray) -> None:
        n = len(li)
        if n == 0:
            return
        self.parts.append((li.astype(np.int64), date.astype(np.int64), np.broadcast_to(type_id, n).astype(np.int16),
                           np.broadcast_to(pav, n).astype(np.int32), np.broadcast_to(variant, n).astype(np.int32)))

    def concat(self) -> tuple[np.ndarray, ...]:
        if not self.parts:
            kinds = (np.int64, np.int64, np.int16, np.int32, np.int32)
            return tuple(np.zeros(0, kind) for kind in kinds)
        return tuple(np.concatenate([p[i] for p in self.parts]) for i in range(5))


def _month_index(ts: np.ndarray) -> np.ndarray:
    return ts.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64) - _EPOCH_MONTH


def _month_start(index: np.ndarray) -> np.ndarray:
    months = (index + _EPOCH_MONTH).astype("datetime64[M]")
    return months.astype("datetime64[s]").astype(np.int64)


def _uniform_dates(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return lo + (rng.random(len(lo)) * np.maximum(hi - lo, 0)).astype(np.int64)


def generate(leads: LeadArrays, *, seed: int) -> tuple[SeededColumns, LeadOutcomes]:
    rng = np.random.default_rng([seed, 0x4D4B54])
    n = len(leads.lead_id)
    ev = _Events()
    scoring: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (li, date, rule)
    moments: list[tuple[np.ndarray, np.ndarray, int]] = []
    idx = np.arange(n)
    ev.add(idx, leads.created, t.NEW_LEAD, 0, leads.source)

    unsubscribed = _emails(rng, leads, ev, scoring, moments)
    _visits(rng, leads, ev, scoring, moments)
    _forms(rng, leads, ev, scoring, moments)
    for li, date, moment in moments:
        ev.add(li, date + 2, t.INTERESTING_MOMENT, 6000 + moment, moment)
    score, rating, score_changed = _scores(leads, ev, scoring)
    status, status_changed = _statuses(rng, leads, ev)
    gone = idx[leads.deleted]
    ev.add(gone, leads.end[gone], t.DELETE_LEAD, leads.lead_id[gone].astype(np.int32), 0)

    li, date, type_id, pav, variant = ev.concat()
    lead_col = leads.lead_id[li]
    order = np.lexsort((type_id, lead_col, date))
    columns = SeededColumns(date=date[order], lead=lead_col[order].astype(np.int32), type=type_id[order],
                            pav=pav[order], variant=variant[order])
    updated = np.maximum.reduce([leads.created, score_changed, status_changed])
    return columns, LeadOutcomes(score=score, status=status, rating=rating, unsubscribed=unsubscribed,
                                 updated=updated)


def _emails(rng: np.random.Generator, leads: LeadArrays, ev: _Events,
            scoring: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
            moments: list[tuple[np.ndarray, np.ndarray, int]]) -> np.ndarray:
    n = len(leads.lead_id)
    first, last = _month_index(leads.created), _month_index(leads.end)
    months = np.where(leads.active, last - first + 1, 0)
    sends = rng.poisson(np.maximum(months, 0) * 0.5)
    li = np.repeat(np.arange(n), sends)
    month = first[li] + (rng.random(len(li)) * months[li]).astype(np.int64)
    pairs = np.unique(li * 100_000 + month)  # one newsletter per person and month
    li, month = pairs // 100_000, pairs % 100_000
    # A newsletter goes out on the 10th at 15:00 UTC, to everyone within the same hour: many equal timestamps.
    date = _month_start(month) + 9 * DAY + 15 * 3600 + rng.integers(0, 3600, len(li))
    keep = (date >= leads.created[li]) & (date <= leads.end[li])
    li, month, date = li[keep], month[keep], date[keep]

    unsub = leads.active & (rng.random(n) < 0.06 * (1 - leads.engagement))
    unsub_at = _uniform_dates(rng, leads.created, leads.end)
    keep = ~unsub[li] | (date < unsub_at[li])
    li, month, date = li[keep], month[keep], date[keep]
    unsub &= np.bincount(li, minlength=n) > 0
    who = np.flatnonzero(unsub)
    ev.add(who, unsub_at[who], t.UNSUBSCRIBE_EMAIL, c.MAILING_BASE + _month_index(unsub_at[who]),
           rng.integers(0, 2**20, len(who)))

    mailing = c.MAILING_BASE + month
    ev.add(li, date, t.SEND_EMAIL, mailing, 0)
    bounced = leads.malformed[li] | (rng.random(len(li)) < 0.015)
    got = date + rng.integers(60, 600, len(li))
    ev.add(li[bounced], got[bounced], t.EMAIL_BOUNCED, mailing[bounced],
           np.where(leads.malformed[li[bounced]], 0, 16))
    ok = ~bounced
    li, mailing, got = li[ok], mailing[ok], got[ok]
    ev.add(li, got, t.EMAIL_DELIVERED, mailing, 0)

    e = leads.engagement[li]
    opened = rng.random(len(li)) < 0.08 + 0.55 * e
    li, mailing = li[opened], mailing[opened]
    open_at = np.minimum(got[opened] + rng.exponential(8 * 3600, len(li)).astype(np.int64), leads.end[li])
    ev.add(li, open_at, t.OPEN_EMAIL, mailing, rng.integers(0, 2**20, len(li)) << 4)

    e = leads.engagement[li]
    clicked = rng.random(len(li)) < 0.05 + 0.55 * e
    li, mailing = li[clicked], mailing[clicked]
    click_at = np.minimum(open_at[clicked] + rng.integers(30, 1800, len(li)), leads.end[li])
    e = leads.engagement[li]
    high = rng.random(len(li)) < 0.15 + 0.7 * e
    link = np.where(high, rng.choice(c.HIGH_LINKS, len(li)), rng.choice(c.LOW_LINKS, len(li)))
    ev.add(li, click_at, t.CLICK_EMAIL, mailing, (rng.integers(0, 2**20, len(li)) << 4) | link)
    scoring.append((li, click_at, np.full(len(li), c.SCORE_CLICK)))
    pricing = link == 0
    moments.append((li[pricing], click_at[pricing], 5))
    return unsub


def _visits(rng: np.random.Generator, leads: LeadArrays, ev: _Events,
            scoring: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
            moments: list[tuple[np.ndarray, np.ndarray, int]]) -> None:
    n = len(leads.lead_id)
    e = leads.engagement
    lam = np.where(leads.active, 0.8 + 22 * e ** 1.6 + 3 * leads.converted, 0)
    li = np.repeat(np.arange(n), rng.poisson(lam))
    date = _uniform_dates(rng, leads.created[li], leads.end[li])
    e = leads.engagement[li]
    u = rng.random(len(li))
    p_high = 0.04 + 0.45 * e + 0.15 * leads.converted[li]
    pages = np.where(u < p_high, rng.choice([p.id for p in c.HIGH_PAGES], len(li)),
                     np.where(u < p_high + 0.3, rng.choice([p.id for p in c.MID_PAGES], len(li)),
                              rng.choice([p.id for p in c.LOW_PAGES], len(li))))
    ev.add(li, date, t.VISIT_WEBPAGE, pages, rng.integers(0, 2**30, len(li)))
    pricing = (pages == 1001) | (pages == 1003)
    demo = pages == 1002
    scoring.append((li[pricing], date[pricing], np.full(int(pricing.sum()), c.SCORE_PRICING)))
    scoring.append((li[demo], date[demo], np.full(int(demo.sum()), c.SCORE_DEMO_PAGE)))
    # One "visited pricing" moment per person: their first pricing visit.
    order = np.lexsort((date[pricing], li[pricing]))
    p_li, p_date = li[pricing][order], date[pricing][order]
    first = np.r_[True, p_li[1:] != p_li[:-1]] if len(p_li) else np.zeros(0, bool)
    moments.append((p_li[first], p_date[first], 0))

    clicks = rng.random(len(li)) < 0.15
    link = rng.choice([link.id for link in c.LINKS], int(clicks.sum()))
    ev.add(li[clicks], np.minimum(date[clicks] + rng.integers(10, 120, int(clicks.sum())), leads.end[li[clicks]]),
           t.CLICK_LINK, link, rng.integers(0, 2**30, int(clicks.sum())))


def _forms(rng: np.random.Generator, leads: LeadArrays, ev: _Events,
           scoring: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
           moments: list[tuple[np.ndarray, np.ndarray, int]]) -> None:
    n = len(leads.lead_id)
    e, conv, active = leads.engagement, leads.converted, leads.active
    chances = (
        (c.DEMO_FORM, np.where(conv, 0.8, 0.02 + 0.3 * e ** 2), True, 1),
        (c.CONTACT_FORM, np.where(conv, 0.25, 0.01 + 0.1 * e ** 2), True, 2),
        (c.WHITEPAPER_FORM, 0.1 + 0.35 * e, False, 3),
        (c.WEBINAR_FORM, 0.05 + 0.25 * e, False, 4),
        (c.NEWSLETTER_FORM, np.full(n, 0.15), False, None),
    )
    for form, p, before_conversion, moment in chances:
        li = np.flatnonzero(active & (rng.random(n) < p))
        converts_later = np.logical_and(before_conversion, conv[li])
        hi = np.where(converts_later, np.minimum(leads.conv_ts[li], leads.end[li]), leads.end[li])
        date = _uniform_dates(rng, leads.created[li], hi)
        _fill(rng, ev, li, date, form)
        scoring.append((li, date, np.full(len(li), c.FORM_SCORE_RULE[form.id])))
        if moment is not None:
            moments.append((li, date, moment))
    # A duplicate record is what a second sign-up with another spelling of the address leaves behind.
    dup = np.flatnonzero(~active & ~leads.deleted)
    _fill(rng, ev, dup, leads.created[dup], c.NEWSLETTER_FORM)


def _fill(rng: np.random.Generator, ev: _Events, li: np.ndarray, date: np.ndarray, form: c.Form) -> None:
    ev.add(li, date - 45, t.VISIT_WEBPAGE, form.page_id, rng.integers(0, 2**30, len(li)))
    ev.add(li, date, t.FILL_OUT_FORM, form.id, rng.integers(0, 2**30, len(li)))


def _scores(leads: LeadArrays, ev: _Events,
            scoring: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(leads.lead_id)
    li = np.concatenate([s[0] for s in scoring]).astype(np.int64)
    date = np.concatenate([s[1] for s in scoring]).astype(np.int64) + 1
    rule = np.concatenate([s[2] for s in scoring]).astype(np.int64)
    deltas = np.array([d for _, d in c.SCORE_RULES], dtype=np.int64)
    order = np.lexsort((rule, date, li))
    li, date, rule = li[order], date[order], rule[order]
    total = np.cumsum(deltas[rule])
    starts = np.r_[0, np.flatnonzero(li[1:] != li[:-1]) + 1] if len(li) else np.zeros(0, np.int64)
    base = np.zeros(len(li), np.int64)
    if len(li):
        offsets = np.r_[0, total[starts[1:] - 1]] if len(starts) > 1 else np.zeros(1, np.int64)
        base = np.repeat(offsets, np.diff(np.r_[starts, len(li)]))
    cumulative = total - base
    ev.add(li, date, t.CHANGE_SCORE, 18, (cumulative << 5) | rule)

    score = np.zeros(n, np.int64)
    changed = np.zeros(n, np.int64)
    if len(li):
        ends = np.r_[starts[1:] - 1, len(li) - 1]
        score[li[ends]] = cumulative[ends]
        changed[li[ends]] = date[ends]
    rating = np.zeros(n, np.int8)
    for level, threshold, transition in ((1, 30, 2), (2, 80, 3)):
        hit = cumulative >= threshold
        hit_li, hit_date = li[hit], date[hit]
        first = np.r_[True, hit_li[1:] != hit_li[:-1]] if len(hit_li) else np.zeros(0, bool)
        who, when = hit_li[first], hit_date[first] + 60
        ev.add(who, when, t.CHANGE_DATA_VALUE, 19, transition)
        rating[who] = level
        changed[who] = np.maximum(changed[who], when)
    return score, rating, changed


def _statuses(rng: np.random.Generator, leads: LeadArrays, ev: _Events) -> tuple[np.ndarray, np.ndarray]:
    n = len(leads.lead_id)
    e = leads.engagement
    working = leads.active & ((e > 0.45) | leads.converted)
    nurturing = leads.active & ~working & (e > 0.25)
    status = np.zeros(n, np.int8)
    changed = np.zeros(n, np.int64)
    span = np.maximum(leads.end - leads.created, 0)
    for mask, transition, value in ((working, 0, 1), (nurturing, 1, 2)):
        who = np.flatnonzero(mask)
        when = leads.created[who] + (span[who] * (0.2 + 0.5 * rng.random(len(who)))).astype(np.int64)
        ev.add(who, when, t.CHANGE_DATA_VALUE, 17, transition)
        status[who] = value
        changed[who] = when
    return status, changed
