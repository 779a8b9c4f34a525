"""What the access service refuses, one class per thing a person does about it."""

from __future__ import annotations

from errors import AuthError, ConfigError


class AccountError(ConfigError):
    """An account request is wrong (unknown username, a name taken, a role that does not exist, a rep without a
    crm_user): the message names the account and the field, and what is expected."""


class SignInRefused(AuthError):
    """The username, password or one-time code was refused. One message for every cause, so a caller cannot probe
    which usernames exist."""


class TokenRefused(AuthError):
    """An API token is unknown, revoked, or its account is disabled."""


class NoScope(AuthError):
    """A manager's or rep's account is linked to no crm_user: it is refused rather than shown everything."""


class SignInThrottled(SignInRefused):
    """Too many failed sign-ins for a username lately: refused, whatever the password, until the lock ends."""

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class NotPermitted(AuthError):
    """The signed-in account's role may not do this: the message names the role that may."""
