"""Typed settings: environment variables with the ``CHANJIAO_`` prefix, plus ``DATABASE_URL``."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHANJIAO_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./chanjiao.db",
        validation_alias=AliasChoices("DATABASE_URL", "CHANJIAO_DATABASE_URL"),
        description="SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user@host/db",
    )
    environment: Literal["production", "demo", "test"] = "production"
    secret_key: SecretStr | None = Field(
        default=None, description="JWT signing key; required in production"
    )
    secret_file: Path = Path(".chanjiao-secret")
    access_token_minutes: int = 8 * 60
    scheduler_enabled: bool = True
    sqlite_busy_timeout_ms: int = 5000
    db_pool_size: int = 5
    db_max_overflow: int = 10

    @property
    def request_threads(self) -> int:
        """Sync requests served at once per process: two pooled connections each, at most."""
        return max(1, (self.db_pool_size + self.db_max_overflow) // 2)

    import_max_bytes: int = Field(default=20 * 1024 * 1024, description="largest import upload")

    def jwt_secret(self) -> str:
        """The signing key: configured, or (outside production) one kept in a local file."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        if self.environment == "production":
            raise RuntimeError("CHANJIAO_SECRET_KEY must be set in production")
        # Every worker of a demo reads the same file, so tokens stay valid across workers.
        if not self.secret_file.exists():
            self.secret_file.write_text(secrets.token_urlsafe(48))
            self.secret_file.chmod(0o600)
        return self.secret_file.read_text().strip()


settings = Settings()
