"""Who is calling: a bearer API token, else the signed-in session; and what they may see (access.scope_of)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from access import Account, TokenRefused, scope_of
from access.errors import SignInRefused
from web.errors import SignInNeeded
from web.services import WebServices
from web.session import Session


@dataclass(frozen=True, slots=True)
class Caller:
    account: Account
    as_user: str | None  # the KPI engine's scope: None = every row
    via: str  # "token" | "session"


def services(request: Request) -> WebServices:
    found: WebServices = request.app.state.services
    return found


def session_of(request: Request) -> Session:
    found: Session = request.state.session
    return found


def signed_in(request: Request) -> Account | None:
    """The live, enabled account of this request's session, else None (a disabled account's session ends here)."""
    session = session_of(request)
    if session.account_id is None:
        return None
    account = services(request).accounts.by_id(session.account_id)
    if account is None or not account.active:
        session.clear()
        return None
    return account


def api_caller(request: Request) -> Caller:
    """The API's caller: ``Authorization: Bearer <token>`` or the browser's session; 401 otherwise."""
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise TokenRefused("the Authorization header must be 'Bearer <API token>'")
        account = services(request).tokens.authenticate(token)
        return Caller(account, scope_of(account), "token")
    found = signed_in(request)
    if found is None:
        raise SignInRefused("sign in at /sign-in, or send an API token as 'Authorization: Bearer <token>'")
    return Caller(found, scope_of(found), "session")


def page_account(request: Request) -> Account:
    """The signed-in account of a page; not signed in: the sign-in page."""
    account = signed_in(request)
    if account is None:
        raise SignInNeeded()
    return account
