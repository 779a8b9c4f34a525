"""Seeded knowledge base: the ``knowledgearticle`` rows support writes from the cases it answers.

About one article per four cases (20 to 200): how-tos and fixes for the issues cases raise, some per product. Most are
published (with a publish date, views, ratings and a public number); a few are drafts, approved or scheduled, some
expired or archived once superseded. Authors are the org's users. Own random and id streams, so the rest of the
organisation does not change.
"""

from __future__ import annotations

import random
from typing import Any

from sandbox.dynamics import seedtools as st
from sandbox.dynamics.guids import GuidFactory
from sandbox.dynamics.store import Ref
from sandbox.dynamics.tables import TABLES

DAY = 86400
TOPICS = ("Reset a password and unlock an account", "Correct an invoice amount", "Speed up a report export",
          "Add licences to a subscription", "Restart a stopped integration sync", "Configure approval workflows",
          "Fix a failed data import", "Improve dashboard load times", "Book a training session",
          "Understand the renewal terms", "Set up single sign-on", "Export data for an audit")
# (statecode, statuscode, weight): mostly published; the rest in the lifecycle around it
LIFECYCLE = ((3, 7, 70), (0, 2, 8), (0, 4, 3), (1, 5, 4), (2, 6, 3), (4, 10, 5), (5, 12, 7))


class KnowledgeSeeder:
    def __init__(self, *, seed: int, rows: dict[str, list[list[Any]]], authors: list[str],
                 span: st.SeedSpan) -> None:
        self.seed, self.rows, self.authors, self.span = seed, rows, authors, span
        self.guids = GuidFactory(seed, "knowledge")

    def run(self) -> None:
        rnd = random.Random(f"{self.seed}:dynamics:knowledge")
        products = [p[TABLES["product"].col["name"]] for p in self.rows["product"]]
        count = max(20, min(200, len(self.rows["incident"]) // 4))
        start = self.span.end - 700 * DAY
        for number in range(count):
            topic = TOPICS[number % len(TOPICS)]
            product = products[number % len(products)] if products and number >= len(TOPICS) else None
            state, status = rnd.choices([(s, c) for s, c, _ in LIFECYCLE], [w for *_, w in LIFECYCLE])[0]
            self.article(number, f"{topic} in {product}" if product else topic, state, status, start, rnd)

    def article(self, number: int, title: str, state: int, status: int, start: int, rnd: random.Random) -> None:
        created = self.span.clamp(start + rnd.randint(0, 680) * DAY + rnd.randint(0, DAY - 1))
        published = state in (3, 4, 5)
        publish_on = self.span.clamp(created + rnd.randint(1, 14) * DAY) if published or state == 2 else None
        views = int(rnd.lognormvariate(4.5, 1.2)) if published else 0
        ratings = int(views * rnd.uniform(0.01, 0.06)) if published else 0
        author = rnd.choice(self.authors)
        self.rows["knowledgearticle"].append(st.row_for(TABLES["knowledgearticle"], {
            "knowledgearticleid": self.guids.new(), "title": title,
            "articlepublicnumber": f"KA-{1001 + number:05d}",
            "content": f"<p>{title}: step-by-step instructions, with screenshots and the known causes.</p>",
            "description": title[:155], "keywords": ", ".join(title.lower().split()[:3]),
            "majorversionnumber": 1 + (rnd.random() < 0.2), "minorversionnumber": 0,
            "isinternal": rnd.random() < 0.15, "islatestversion": True, "isprimary": True,
            "publishon": publish_on, "expirationdate": self.span.clamp(publish_on + 365 * DAY)
            if state == 4 and publish_on else None,
            "primaryauthorid": Ref("systemuser", author),
            "knowledgearticleviews": views, "rating": round(rnd.uniform(2.5, 5.0), 2) if ratings else None,
            "rating_count": ratings, "statecode": state, "statuscode": status,
            **st.stamps(created, self.span.modified_after(max(created, publish_on or created), rnd), author),
        }))
