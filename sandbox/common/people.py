"""One deterministic population of companies and people that every sandbox draws its records from.

The same seed gives the same people in all four sandboxes, so the same person (same email, give or take case and
spaces) shows up in several CRMs, as in a real revenue stack. ``person.key`` is the generator's truth of who is who:
identity-resolution tests score crmhub's matching against it. Faker supplies realistic pools of names once; records
are drawn from those pools with a seeded ``random.Random`` so a million people take seconds, not minutes.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

import phonenumbers
from faker import Faker

INDUSTRIES = (
    "Software", "Financial Services", "Healthcare", "Manufacturing", "Retail", "Education", "Telecommunications",
    "Energy", "Media", "Logistics", "Real Estate", "Consulting",
)
COUNTRIES = (("US", "United States", "+1"), ("GB", "United Kingdom", "+44"), ("DE", "Germany", "+49"),
             ("FR", "France", "+33"), ("CA", "Canada", "+1"), ("AU", "Australia", "+61"), ("BR", "Brazil", "+55"),
             ("IN", "India", "+91"), ("NL", "Netherlands", "+31"), ("ES", "Spain", "+34"))
TITLES = (  # (title, seniority)
    ("Chief Executive Officer", "c_level"), ("Chief Revenue Officer", "c_level"), ("VP Sales", "vp"),
    ("VP Marketing", "vp"), ("Head of Revenue Operations", "director"), ("Director of Sales", "director"),
    ("Sales Manager", "manager"), ("Marketing Manager", "manager"), ("Account Executive", "individual"),
    ("Sales Development Representative", "individual"), ("Marketing Specialist", "individual"),
    ("Data Analyst", "individual"), ("Software Engineer", "individual"), ("Operations Coordinator", "individual"),
)
LEAD_SOURCES = ("Web", "Organic Search", "Paid Search", "Referral", "Event", "Partner", "Email", "Social Media")
EPOCH = datetime(2023, 1, 1, tzinfo=UTC)
SPAN_DAYS = 1000


def data_end_for(now: datetime) -> datetime:
    """Where seeded data ends for a sandbox clock reading ``now``: the start of its UTC day, so one seed gives the
    same data all day long (a sandbox started at 09:00 and one at 17:00 agree) and the data is never in the future."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def seed_end(data_end: str, now: datetime, *, sandbox: str) -> datetime:
    """The end of a sandbox's seeded data: its ``data_end`` option when given (tests that query fixed date windows
    pin it), else ``data_end_for`` its clock's now, so the data is current."""
    if not data_end:
        return data_end_for(now)
    try:
        return datetime.strptime(data_end, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"{sandbox} sandbox option data_end: expected a date YYYY-MM-DD, got {data_end!r}") from None


@dataclass(frozen=True, slots=True)
class Company:
    key: int
    name: str
    domain: str
    industry: str
    employees: int
    annual_revenue: int
    country_code: str
    country: str
    city: str
    phone: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Person:
    key: int
    first_name: str
    last_name: str
    email: str
    phone: str
    title: str
    seniority: str
    company_key: int
    country_code: str
    country: str
    city: str
    lead_source: str
    created_at: datetime
    engagement: float  # 0..1: how interested this person really is; drives behaviour and conversion


def _phone_formats() -> dict[str, str]:
    """Per country: an example fixed-line number in international format — real lengths and grouping."""
    formats: dict[str, str] = {}
    for code, _, _ in COUNTRIES:
        example = phonenumbers.example_number_for_type(code, phonenumbers.PhoneNumberType.FIXED_LINE)
        if example is None:
            raise ValueError(f"phonenumbers has no fixed-line example number for country {code}")
        formats[code] = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return formats


_PHONES = _phone_formats()


def phone_for(rnd: random.Random, country_code: str) -> str:
    """``+44 20 7946 0123``-style number of the country's real length: the example with its last 4 digits random
    (formatted once per country, not per person: generation stays fast at a million people)."""
    chars = list(_PHONES[country_code])
    positions = [i for i, ch in enumerate(chars) if ch.isdigit()][-4:]
    for pos, digit in zip(positions, f"{rnd.randint(0, 9999):04d}", strict=True):
        chars[pos] = digit
    return "".join(chars)


def _unit(*parts: object) -> float:
    """A stable number in [0, 1) from its parts (unlike hash(), the same in every process)."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


class Population:
    """``Population(seed, people)``: ``people`` persons working at about ``people // 8`` companies."""

    def __init__(self, seed: int, people: int, *, end: datetime | None = None) -> None:
        self.seed = seed
        self.size = people
        # The span the population's dates lie in: [end - SPAN_DAYS, end]. A sandbox passes data_end_for(its clock)
        # so recency means something to whoever reads it; without one, the fixed span from EPOCH.
        self.end = end if end is not None else EPOCH + timedelta(days=SPAN_DAYS)
        self.epoch = self.end - timedelta(days=SPAN_DAYS)
        fake = Faker(["en_US", "en_GB", "de_DE", "fr_FR"])
        fake.seed_instance(seed)
        self._first = sorted({fake.first_name() for _ in range(1500)})
        self._last = sorted({fake.last_name() for _ in range(3000)})
        self._cities = sorted({fake.city() for _ in range(400)})
        words = {fake.word().capitalize() for _ in range(4000)} | {fake.last_name() for _ in range(600)}
        self._words = sorted(w for w in words if w.isalpha())

    @cached_property
    def companies(self) -> list[Company]:
        rnd = random.Random(f"{self.seed}:companies")
        count = max(1, self.size // 8)
        suffixes = ("Inc", "LLC", "Ltd", "GmbH", "Group", "Systems", "Labs", "Partners", "Corp", "Solutions")
        out: list[Company] = []
        seen: set[str] = set()
        for key in range(count):
            base = f"{rnd.choice(self._words)} {rnd.choice(self._words)}"
            while base.lower() in seen:
                base = f"{base} {rnd.choice(self._words)}"
            seen.add(base.lower())
            code, country, _ = rnd.choice(COUNTRIES)
            employees = int(rnd.lognormvariate(4.0, 1.6)) + 1
            out.append(Company(
                key=key, name=f"{base} {rnd.choice(suffixes)}",
                domain=base.lower().replace(" ", "") + rnd.choice((".com", ".io", ".co", ".net")),
                industry=rnd.choice(INDUSTRIES), employees=employees,
                annual_revenue=employees * rnd.randint(80_000, 400_000), country_code=code, country=country,
                city=rnd.choice(self._cities), phone=phone_for(rnd, code),
                created_at=self.epoch + timedelta(days=rnd.uniform(0, SPAN_DAYS / 2)),
            ))
        return out

    def person(self, key: int) -> Person:
        rnd = random.Random(f"{self.seed}:person:{key}")
        companies = self.companies
        company = companies[min(len(companies) - 1, int(rnd.paretovariate(1.2)) - 1) if rnd.random() < 0.2
                            else rnd.randrange(len(companies))]
        first, last = rnd.choice(self._first), rnd.choice(self._last)
        local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        title, seniority = rnd.choice(TITLES)
        return Person(
            key=key, first_name=first, last_name=last, email=f"{local}{key}@{company.domain}",
            phone=phone_for(rnd, company.country_code),
            title=title, seniority=seniority, company_key=company.key, country_code=company.country_code,
            country=company.country, city=company.city, lead_source=rnd.choice(LEAD_SOURCES),
            created_at=company.created_at + timedelta(days=rnd.uniform(0, SPAN_DAYS / 2)),
            engagement=rnd.betavariate(1.3, 3.0),
        )

    def people(self) -> list[Person]:
        return [self.person(k) for k in range(self.size)]

    def member(self, key: int, sandbox: str, share: float) -> bool:
        """Whether person ``key`` is in ``sandbox``: stable, so overlaps between sandboxes are the same every run."""
        return _unit(self.seed, sandbox, key) < share
