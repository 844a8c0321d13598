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
    sqlite_create_missing: bool = Field(
        default=True,
        description="create a missing SQLite file on connect (the CLI refuses, but db upgrade)",
    )
    sqlite_write_wait_s: float = Field(
        default=10.0, description="longest wait of a writer for SQLite's write turn, then 503"
    )
    db_pool_size: int = 5
    db_max_overflow: int = 10
    db_pool_timeout_s: float = Field(
        default=5.0, description="longest wait for a pooled connection, then 503"
    )
    admission_limit: int | None = Field(
        default=None,
        description="requests holding a database session at once per process "
        "(default: the pool's size + overflow − 1, one kept for the scheduled jobs)",
    )
    admission_wait_s: float = Field(
        default=3.0, description="longest wait for admission before answering 503"
    )
    retry_after_s: int = Field(default=1, description="Retry-After of a 503")

    @property
    def max_requests_in_db(self) -> int:
        """Requests admitted at once per process; each holds at most one pooled connection."""
        if self.admission_limit is not None:
            return max(1, self.admission_limit)
        return max(1, self.db_pool_size + self.db_max_overflow - 1)

    @property
    def request_threads(self) -> int:
        """Threads for sync routes: one per admitted request, plus some for routes without a
        database (health checks), so an admitted request never waits for a thread."""
        return self.max_requests_in_db + 8

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
