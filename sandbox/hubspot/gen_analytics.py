"""A contact's web-analytics and conversion roll-ups, as HubSpot's tracking code keeps them on the contact.

HubSpot counts a tracked visitor's sessions (``hs_analytics_num_visits``) and page views, dates the first and last
session, and counts form submissions (``num_conversion_events``) with the latest one's date and form. Contacts
that never browsed the tracked site with cookies (imports, most cold prospects) have none of them. Engaged people
are tracked more often, come back more and more recently, and fill out more forms. Deterministic for a random stream.
"""

from __future__ import annotations

import random

from sandbox.hubspot.timefmt import DAY_MS, iso

# (form, weight at engagement 0, extra weight per unit of engagement): engaged people ask for demos and sales
FORMS = (("Newsletter signup", 4.0, 0.0), ("Ebook: RevOps playbook", 3.0, 1.0), ("Webinar registration", 1.5, 2.0),
         ("Contact sales", 0.3, 3.0), ("Demo request", 0.2, 4.0))


def web_analytics(rnd: random.Random, engagement: float, created: int, end: int) -> tuple[dict[str, str], int]:
    """The analytics properties of a contact created at ``created`` (epoch ms) with data up to ``end``, and the
    time it was last seen (0 when it was never tracked)."""
    if rnd.random() >= 0.35 + 0.6 * engagement:
        return {}, 0
    sessions = 1 + int(rnd.expovariate(1.0 / (0.5 + 14.0 * engagement ** 1.5)))
    views = sessions + int(sessions * rnd.uniform(0.2, 1.5 + 4.0 * engagement))
    first = max(end - 1000 * DAY_MS, created - int(rnd.uniform(0, 30) * DAY_MS))
    # the quiet time since the last session: days for engaged people, months for the rest
    quiet = int(rnd.expovariate(1.0 / (3.0 + 240.0 * (1.0 - engagement) ** 2)) * DAY_MS)
    last = first if sessions == 1 else max(first, end - quiet - int(rnd.random() * DAY_MS))
    props = {
        "hs_analytics_num_visits": str(sessions), "hs_analytics_num_page_views": str(views),
        "hs_analytics_average_page_views": f"{views / sessions:.2f}".rstrip("0").rstrip("."),
        "hs_analytics_first_visit_timestamp": iso(first), "hs_analytics_last_visit_timestamp": iso(last),
    }
    forms = int(rnd.random() < 0.3 + 0.5 * engagement) + int(rnd.expovariate(1.0 / (0.1 + 2.0 * engagement)))
    if forms:
        weights = [base + extra * engagement for _, base, extra in FORMS]
        props.update({
            "num_conversion_events": str(forms),
            "recent_conversion_date": iso(first + int(rnd.random() * (last - first))),
            "recent_conversion_event_name": rnd.choices([name for name, _, _ in FORMS], weights)[0],
        })
    return props, last
