"""Comparable forms of the values people type differently: emails, names, phones, domains, company names.

Emails are lower-cased and trimmed only. Dots in Gmail local parts are NOT removed: Gmail ignores them, but the
same address in another CRM is almost always typed the same way, and folding them would join two real people
(``jo.ann@`` and ``joann@``) on any provider that does not ignore dots.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
_NON_WORD = re.compile(r"[^0-9a-z ]+")
_SPACES = re.compile(r"\s+")
_NOT_DIGIT = re.compile(r"\D+")
# Placeholders web forms put where a name should be; they say nothing about who the person is.
_PLACEHOLDER_NAMES = frozenset({"not provided", "unknown", "n a", "na", "none", "test", "null", "x"})
# Mailbox providers: an address there says nothing about the person's company.
FREE_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "hotmail.com",
    "hotmail.co.uk", "hotmail.fr", "outlook.com", "live.com", "msn.com", "icloud.com", "me.com", "mac.com",
    "aol.com", "gmx.de", "gmx.net", "web.de", "t-online.de", "orange.fr", "free.fr", "laposte.net",
    "protonmail.com", "proton.me", "mail.com", "zoho.com", "yandex.ru", "qq.com", "163.com", "uol.com.br",
    "bol.com.br", "rediffmail.com",
})
# Shared role mailboxes: several people answer info@ or sales@, so such an address identifies no one person.
ROLE_LOCAL_PARTS = frozenset({
    "info", "sales", "contact", "admin", "support", "office", "hello", "team", "marketing", "billing", "accounts",
    "noreply", "no-reply", "enquiries", "inquiries", "help", "hr", "jobs", "careers", "mail", "webmaster",
})
# Legal forms only: "Systems" or "Labs" are part of a company's name, "Inc" and "GmbH" are not.
_LEGAL_FORMS = frozenset({
    "inc", "incorporated", "llc", "ltd", "limited", "gmbh", "corp", "corporation", "co", "plc", "sa", "sas",
    "sarl", "ag", "bv", "nv", "pty", "srl", "spa", "kg", "oy", "ab", "as", "lp", "llp",
})


def email(value: object) -> str | None:
    """The address lower-cased and trimmed, or None when it is not a well-formed address."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    return text if _EMAIL.match(text) else None


def email_parts(address: str | None) -> tuple[str | None, str | None]:
    """(local part, domain) of a normalised address."""
    if not address:
        return None, None
    local, _, domain = address.rpartition("@")
    return local or None, domain or None


def company_domain(address: str | None) -> str | None:
    """The domain of a work address; None for free mailboxes, which belong to no company."""
    _, domain = email_parts(address)
    return None if domain is None or domain in FREE_MAIL_DOMAINS else domain


def text(value: object) -> str | None:
    """Accents folded, lower case, punctuation dropped, single spaces: ``"  Zoë  O'Neil"`` -> ``"zoe oneil"``."""
    return _text(value) if isinstance(value, str) else None


@lru_cache(maxsize=1 << 17)  # names, cities and companies repeat: most values are folded once
def _text(value: str) -> str | None:
    folded = value
    if not value.isascii():
        folded = "".join(ch for ch in unicodedata.normalize("NFKD", value) if not unicodedata.combining(ch))
    folded = folded.lower().replace("'", "")
    out = _SPACES.sub(" ", _NON_WORD.sub(" ", folded)).strip()
    return out or None


def name(value: object) -> str | None:
    """A person's first or last name for comparison; placeholders (``[not provided]``) become None."""
    out = text(value)
    return None if out is None or out in _PLACEHOLDER_NAMES else out


def company(value: object) -> str | None:
    """A company name without its legal form: ``"Acme Widgets GmbH"`` -> ``"acme widgets"``."""
    out = text(value)
    if out is None:
        return None
    words = [w for w in out.split(" ") if w not in _LEGAL_FORMS]
    return " ".join(words) or out


def phone(value: object) -> str | None:
    """Digits with the leading ``+`` (mapping already made them E.164); too short to identify anyone -> None."""
    if not isinstance(value, str):
        return None
    digits = _NOT_DIGIT.sub("", value)
    return f"+{digits}" if len(digits) >= 8 else None


def domain(value: object) -> str | None:
    """A bare host from a domain or website: ``"https://www.Acme.io/about"`` -> ``"acme.io"``."""
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip().lower()
    host = urlsplit(raw if "//" in raw else f"//{raw}").hostname or ""
    host = host.removeprefix("www.").rstrip(".")
    return host if "." in host and " " not in host else None


def personal_email(address: str | None) -> str | None:
    """The address when it can identify one person: role mailboxes (``info@``, ``sales@``) give None."""
    local, _ = email_parts(address)
    return None if local is None or local in ROLE_LOCAL_PARTS else address
