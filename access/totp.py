"""TOTP (RFC 6238) through pyotp: enrolment URIs, and which time step a code belongs to (so it is used once)."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

ISSUER = "crmhub"
WINDOW = 1  # one 30-second step either side: clocks drift, people type slowly


def new_secret() -> str:
    return pyotp.random_base32()


def enrolment_uri(secret: str, username: str, issuer: str = ISSUER) -> str:
    """The otpauth:// URI an authenticator app reads (from a QR code or typed in)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (within WINDOW of ``now``) whose code is ``code``, or None. Each step is compared in constant
    time; the caller refuses a step at or before the last one accepted (a replay)."""
    code = code.strip().replace(" ", "")
    totp = pyotp.TOTP(secret)
    if not (code.isdigit() and len(code) == totp.digits):
        return None
    current = totp.timecode(now)
    found = None
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def code_at(secret: str, when: datetime) -> str:
    """The code an authenticator shows at ``when`` (tests, and an admin checking an enrolment)."""
    return pyotp.TOTP(secret).at(when)
