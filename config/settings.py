"""Process settings from the environment (``CRMHUB_*``): where the config is, and overrides kept out of it."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.errors import ConfigFileError, ConfigProblem
from config.models.root import CrmhubConfig
from config.models.types import StoreUrl
from config.translate import problems_from

ENV_PREFIX = "CRMHUB_"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True)

    config: Path = Path("crmhub.yaml")
    # Overrides store.url, e.g. to point a deployment at PostgreSQL without editing the shared file.
    store_url: StoreUrl | None = Field(default=None, repr=False)
    secret_key: SecretStr | None = None  # encrypts cached OAuth tokens and TOTP seeds at rest
    datasets: Path | None = None  # the public datasets the scoring benchmark reads (default: ../shared/datasets)
    log_format: Literal["text", "json"] = "text"  # logs on stderr; --log-format overrides
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"  # --log-level overrides
    # `crmhub serve`: signs the session cookies (at least 32 characters; never logged). Changing it signs everyone out.
    web_secret: SecretStr | None = Field(default=None, repr=False)
    web_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)  # a session ends after this long without a request
    # The audit trail (docs/operations/audit.md): the key that signs its checkpoints (at least 32 characters; never
    # stored in the database), the append-only JSON-lines copy of the checkpoints, how often one is due (this many
    # events, or any events once this many minutes passed) and how long events are kept.
    audit_key: SecretStr | None = Field(default=None, repr=False)
    audit_file: Path | None = None
    audit_checkpoint_every: int = Field(default=100, ge=1)
    audit_checkpoint_minutes: int = Field(default=5, ge=1)
    audit_retention_days: int = Field(default=5 * 365 + 1, ge=1)

    def apply(self, config: CrmhubConfig) -> CrmhubConfig:
        """``config`` with the overrides these settings carry."""
        if self.store_url is None:
            return config
        return config.model_copy(update={"store": config.store.model_copy(update={"url": self.store_url})})


def load_settings() -> Settings:
    """Settings from the environment; an invalid value is a ConfigFileError naming the variable, not the value."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = problems_from(exc, root=Settings)
    raise ConfigFileError([_as_variable(problem) for problem in problems], source="environment")


def _as_variable(problem: ConfigProblem) -> ConfigProblem:
    return ConfigProblem(ENV_PREFIX + problem.path.upper(), problem.message)
