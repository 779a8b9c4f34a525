"""What the seeded marketing world is made of: web pages, forms, emails, links, moments and score rules.

Each catalog entry carries an ``intent`` weight: how strongly doing it signals buying intent. The generator makes
engaged people choose high-intent entries more often, which is what gives the activity log its predictive signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sandbox.common.people import EPOCH

SITE = "www.northstar-analytics.com"


@dataclass(frozen=True, slots=True)
class Page:
    id: int
    path: str
    intent: str  # "high" | "mid" | "low"


PAGES: tuple[Page, ...] = (
    Page(1001, "/pricing", "high"), Page(1002, "/demo", "high"), Page(1003, "/pricing/enterprise", "high"),
    Page(1004, "/product", "mid"), Page(1005, "/product/integrations", "mid"), Page(1006, "/customers", "mid"),
    Page(1007, "/docs/getting-started", "mid"), Page(1008, "/docs/api", "mid"), Page(1009, "/", "low"),
    Page(1010, "/blog/revenue-operations-playbook", "low"), Page(1011, "/blog/forecasting-101", "low"),
    Page(1012, "/blog/data-quality-checklist", "low"), Page(1013, "/careers", "low"), Page(1014, "/about", "low"),
)
HIGH_PAGES = tuple(p for p in PAGES if p.intent == "high")
MID_PAGES = tuple(p for p in PAGES if p.intent == "mid")
LOW_PAGES = tuple(p for p in PAGES if p.intent == "low")
PAGE_BY_ID = {p.id: p for p in PAGES}


@dataclass(frozen=True, slots=True)
class Form:
    id: int
    program: str
    name: str
    page_id: int
    score: int
    moment: str | None


FORMS: tuple[Form, ...] = (
    Form(2001, "FY Demo Requests", "Demo Request Form", 1002, 25, "Requested a demo"),
    Form(2002, "FY Contact Sales", "Contact Sales Form", 1001, 20, "Asked to talk to sales"),
    Form(2003, "Content Syndication", "Whitepaper Download", 1010, 10, "Downloaded the RevOps whitepaper"),
    Form(2004, "Webinar Series", "Webinar Registration", 1004, 8, "Registered for a webinar"),
    Form(2005, "Newsletter", "Newsletter Signup", 1009, 3, None),
)
DEMO_FORM, CONTACT_FORM, WHITEPAPER_FORM, WEBINAR_FORM, NEWSLETTER_FORM = FORMS
FORM_BY_ID = {f.id: f for f in FORMS}


@dataclass(frozen=True, slots=True)
class Link:
    id: int
    url: str
    intent: str


LINKS: tuple[Link, ...] = (
    Link(4001, f"https://{SITE}/pricing", "high"), Link(4002, f"https://{SITE}/demo", "high"),
    Link(4003, f"https://{SITE}/product", "mid"), Link(4004, f"https://{SITE}/customers", "mid"),
    Link(4005, f"https://{SITE}/blog/forecasting-101", "low"), Link(4006, f"https://{SITE}/blog", "low"),
)
LINK_BY_ID = {link.id: link for link in LINKS}
HIGH_LINKS = tuple(i for i, link in enumerate(LINKS) if link.intent == "high")
LOW_LINKS = tuple(i for i, link in enumerate(LINKS) if link.intent != "high")

MOMENTS = (
    "Visited the pricing page", "Requested a demo", "Asked to talk to sales", "Downloaded the RevOps whitepaper",
    "Registered for a webinar", "Clicked a pricing link in an email",
)
MOMENT_SOURCES = ("Web", "Web", "Web", "Web", "Web", "Email")

# Score rules: (reason, change). Index order is stored in seeded Change Score activities.
SCORE_RULES: tuple[tuple[str, int], ...] = (
    ("Visited pricing page", 10), ("Visited demo page", 15), ("Filled out Demo Request Form", 25),
    ("Filled out Contact Sales Form", 20), ("Downloaded whitepaper", 10), ("Registered for webinar", 8),
    ("Signed up for newsletter", 3), ("Clicked email link", 3),
)
SCORE_PRICING, SCORE_DEMO_PAGE, SCORE_DEMO_FORM, SCORE_CONTACT, SCORE_WHITEPAPER, SCORE_WEBINAR, \
    SCORE_NEWSLETTER, SCORE_CLICK = range(len(SCORE_RULES))
FORM_SCORE_RULE = {2001: SCORE_DEMO_FORM, 2002: SCORE_CONTACT, 2003: SCORE_WHITEPAPER, 2004: SCORE_WEBINAR,
                   2005: SCORE_NEWSLETTER}

LEAD_STATUSES = ("Open - Not Contacted", "Working - Contacted", "Nurturing")
# Seeded Change Data Value transitions: (field name, old, new).
TRANSITIONS: tuple[tuple[str, str | None, str | None], ...] = (
    ("leadStatus", "Open - Not Contacted", "Working - Contacted"),
    ("leadStatus", "Open - Not Contacted", "Nurturing"),
    ("rating", None, "Warm"),
    ("rating", "Warm", "Hot"),
)
NEW_LEAD_SOURCES = ("Web form fillout", "Web page visit", "List import", "Salesforce.com")

USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
)
DEVICES = (("Desktop", "Windows", False), ("Desktop", "Mac OS", False), ("Mobile", "iOS", True),
           ("Desktop", "Linux", False))
REFERRERS = ("", "https://www.google.com/", "https://www.linkedin.com/", f"https://{SITE}/blog",
             "https://www.bing.com/", "")
QUERIES = ("", "", "utm_source=google&utm_medium=cpc", "utm_source=linkedin&utm_medium=social",
           "utm_source=newsletter&utm_medium=email", "")
BOUNCES = (("Hard", "Invalid recipient", "550 5.1.1 The email account that you tried to reach does not exist"),
           ("Soft", "Mailbox full", "452 4.2.2 The email account that you tried to reach is over quota"))


def month_start(index: int) -> datetime:
    year, month = divmod(EPOCH.month - 1 + index, 12)
    return datetime(EPOCH.year + year, month + 1, 1, tzinfo=UTC)


def mailing_name(index: int) -> str:
    start = month_start(index)
    return f"Newsletter {start:%Y-%m}.Monthly Update"


MAILING_BASE = 3000
CAMPAIGN_BASE = 5000


def client_ip(lead_id: int, variant: int) -> str:
    octets = ((lead_id * 7 + variant) % 200 + 20, (lead_id // 3) % 250, variant % 251, (lead_id + variant) % 254 + 1)
    return ".".join(map(str, octets))
