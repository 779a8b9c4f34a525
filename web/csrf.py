"""Form posts carry the session's form token (a hidden ``csrf`` field): a form posted from another site cannot
know it. Compared in constant time; the cookie is SameSite=Lax as a second line."""

from __future__ import annotations

import hmac

from fastapi import Request
from starlette.exceptions import HTTPException

from web.auth import session_of

FIELD = "csrf"
REFUSED = "the form expired or was not sent by this site: reload the page and submit it again"


async def check(request: Request) -> None:
    form = await request.form()
    sent = form.get(FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), session_of(request).csrf.encode()):
        raise HTTPException(403, REFUSED)
