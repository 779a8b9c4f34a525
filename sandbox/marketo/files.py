"""Design Studio files (Asset API ``files.json``): the PDFs, decks, sheets and images marketing keeps in Marketo.

A file has an integer id, a name (unique in the instance: Marketo serves it at ``/rs/<munchkin>/images/<name>``),
a description, a folder, a MIME type and a size. Uploading a new version of a file (Update File Content) keeps its
id and moves ``updatedAt``; a marketer deletes one in the Design Studio UI (the API has no delete, and Marketo
keeps no trace of it).

Seeded from what the rest of the sandbox holds: the sales collateral library (product datasheets, the sales deck,
pricing and security papers), the RevOps whitepaper behind the Content Syndication form, slides and a banner for
every quarterly webinar program, a header image for each month's newsletter, and a case study PDF for every case
study a customer advocate completed (``advocacyProgram_c``). Deterministic for a seed.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sandbox.marketo.programs import WEBINAR_BASE, Programs, asset_time

MUNCHKIN = "284-NSA-731"
FILE_HOST = "https://lp.northstar-analytics.com"
PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Design Studio folders: id -> (name, the folder type Marketo shows for it)
FOLDERS: dict[int, str] = {436: "Images and Files", 437: "Sales Collateral", 438: "Webinars", 439: "Email Images",
                           440: "Case Studies", 441: "Brand"}
COLLATERAL, WEBINARS, EMAIL_IMAGES, CASE_STUDIES, BRAND = 437, 438, 439, 440, 441
# (name, description, MIME type, folder, size range in KB)
LIBRARY: tuple[tuple[str, str, str, int, tuple[int, int]], ...] = (
    ("Northstar-Core-Datasheet.pdf", "Northstar Core: pipeline analytics datasheet", PDF, COLLATERAL, (300, 900)),
    ("Northstar-Forecast-Datasheet.pdf", "Northstar Forecast: forecasting add-on datasheet", PDF, COLLATERAL,
     (300, 900)),
    ("Northstar-Data-Quality-Datasheet.pdf", "Northstar DQ: data quality add-on datasheet", PDF, COLLATERAL,
     (300, 900)),
    ("Northstar-Sales-Deck.pptx", "First-call sales deck", PPTX, COLLATERAL, (4000, 15000)),
    ("Northstar-Pricing-Overview.pdf", "Editions and list prices", PDF, COLLATERAL, (200, 600)),
    ("Northstar-Security-Whitepaper.pdf", "Security, privacy and compliance overview", PDF, COLLATERAL,
     (800, 2500)),
    ("Northstar-ROI-Calculator.xlsx", "ROI model for business cases", XLSX, COLLATERAL, (100, 400)),
    ("Northstar-Implementation-Guide.pdf", "Onboarding and implementation guide", PDF, COLLATERAL, (1500, 4000)),
    ("RevOps-Playbook-Whitepaper.pdf", "The Revenue Operations Playbook (Content Syndication download)", PDF,
     COLLATERAL, (1200, 3500)),
    ("northstar-logo.png", "Logo, full colour", PNG, BRAND, (20, 80)),
    ("northstar-logo-white.png", "Logo, white on transparent", PNG, BRAND, (20, 80)),
    ("landing-hero.jpg", "Landing page hero image", JPEG, BRAND, (150, 600)),
)


@dataclass(slots=True)
class File:
    id: int
    name: str
    description: str | None
    mime_type: str
    folder: int
    size: int  # bytes
    created: int
    updated: int

    def api(self) -> dict[str, Any]:
        return {"id": self.id, "size": self.size, "mimeType": self.mime_type,
                "url": f"{FILE_HOST}/rs/{MUNCHKIN}/images/{self.name}",
                "folder": {"type": "Folder", "id": self.folder, "name": FOLDERS[self.folder]},
                "name": self.name, "description": self.description,
                "createdAt": asset_time(self.created), "updatedAt": asset_time(self.updated)}


@dataclass
class Files:
    live: dict[int, File] = field(default_factory=dict)
    deleted: dict[int, int] = field(default_factory=dict)  # id -> when (the sandbox's truth; Marketo shows none)
    next_id: int = 46000

    def add(self, name: str, description: str | None, mime_type: str, folder: int, size: int, *, now: int) -> File:
        if any(f.name == name for f in self.live.values()):
            raise ValueError(f"a file named {name!r} already exists")
        created = File(self.next_id, name, description, mime_type, folder, size, now, now)
        self.live[created.id] = created
        self.next_id += 1
        return created

    def by_name(self, name: str) -> File | None:
        return next((f for f in self.live.values() if f.name == name), None)

    def replace_content(self, file: File, size: int, *, now: int) -> None:
        """Update File Content: the same id and name, a new version."""
        file.size, file.updated = size, max(now, file.updated)

    def delete(self, file_id: int, *, now: int) -> bool:
        if self.live.pop(file_id, None) is None:
            return False
        self.deleted[file_id] = now
        return True


def seed_files(programs: Programs, case_studies: Iterable[tuple[str, date]], *, seed: int, epoch: int,
               end: int) -> Files:
    """``case_studies``: (customer company name, day completed) of each completed case study."""
    rnd = random.Random(f"{seed}:marketo-files")
    out = Files()
    uploads: list[tuple[int, str, str | None, str, int, tuple[int, int]]] = []
    for entry in LIBRARY:
        uploads.append((epoch + rnd.randint(0, 120) * 86_400, *entry))
    for program in sorted(programs.programs.values(), key=lambda p: p.id):
        if WEBINAR_BASE <= program.id < WEBINAR_BASE + 100:
            slug = program.name.lower().replace(" ", "-")
            uploads.append((program.created + 86_400, f"{slug}-banner.png", f"{program.name}: email and page banner",
                            PNG, WEBINARS, (80, 400)))
            uploads.append((program.created + 60 * 86_400, f"{slug}-slides.pdf", f"{program.name}: slides",
                            PDF, WEBINARS, (2000, 9000)))
    month = datetime.fromtimestamp(epoch, UTC).date().replace(day=1)
    while (stamp := int(datetime(month.year, month.month, 1, tzinfo=UTC).timestamp())) < end:
        uploads.append((stamp - rnd.randint(1, 5) * 86_400, f"newsletter-{month:%Y-%m}-header.png",
                        None, PNG, EMAIL_IMAGES, (60, 250)))
        month = (month + timedelta(days=32)).replace(day=1)
    for company, day in case_studies:
        slug = "-".join(_ascii(company).replace(",", "").replace(".", "").split())
        uploads.append((int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) + 30 * 86_400,
                        f"Case-Study-{slug}.pdf", f"Customer story: {company}", PDF, CASE_STUDIES, (400, 1500)))
    for at, name, description, mime, folder, (lo, hi) in sorted(uploads, key=lambda u: (u[0], u[1])):
        if at >= end or out.by_name(name) is not None:
            continue  # not uploaded yet; or a second case study of one company: its PDF is updated, not re-added
        f = out.add(name, description, mime, folder, rnd.randint(lo, hi) * 1024, now=at + rnd.randint(0, 36_000))
        # Collateral gets new versions now and then; images rarely change once used in an email.
        if folder in (COLLATERAL, WEBINARS) and rnd.random() < 0.5:
            later = f.created + rnd.randint(20, 400) * 86_400
            if later < end:
                out.replace_content(f, rnd.randint(lo, hi) * 1024, now=later)
    return out


def _ascii(text: str) -> str:
    """A name as a marketer types it into a file name: accents dropped, ``ß`` spelt ``ss``."""
    return unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore").decode()
