"""Who may use the web console and the API, and what they see: accounts and roles, argon2 passwords, TOTP,
sessions' idle rules, API tokens, the audit trail, and each account's row scope (``scope_of``).

A service: the faces (``hub``, ``web``) call it; it imports only ``config``, ``store`` and ``errors``.
"""

from access.accounts import Accounts
from access.audit import Actor, AuditEvent, list_events, log_action
from access.errors import AccountError, NoScope, NotPermitted, SignInRefused, SignInThrottled, TokenRefused
from access.permissions import require_role
from access.records import Account
from access.roles import CONSOLE_ACTORS, CONSOLE_READERS, ROLES, Role
from access.scope import scope_of
from access.sessions import SessionRules
from access.signin import SignIn
from access.tokens import ApiToken, Tokens
from access.web_sessions import WebSessions

__all__ = [
    "CONSOLE_ACTORS",
    "CONSOLE_READERS",
    "ROLES",
    "Account",
    "AccountError",
    "Accounts",
    "Actor",
    "ApiToken",
    "AuditEvent",
    "NoScope",
    "NotPermitted",
    "Role",
    "SessionRules",
    "SignIn",
    "SignInRefused",
    "SignInThrottled",
    "TokenRefused",
    "Tokens",
    "WebSessions",
    "list_events",
    "log_action",
    "require_role",
    "scope_of",
]
