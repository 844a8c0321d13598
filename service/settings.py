"""Typed settings: environment variables with the ``CHANJIAO_`` prefix, plus ``DATABASE_URL``."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_BYTES = 32


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
    access_token_minutes: int = Field(default=15, description="access token lifetime")
    refresh_token_days: int = Field(default=7, description="refresh token lifetime")
    redis_url: str | None = Field(
        default=None, description="shared throttle store, e.g. redis://127.0.0.1:6379/0"
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="origins allowed by CORS; closed when empty"
    )
    max_body_bytes: int = Field(default=1024 * 1024, description="largest non-upload body")
    scheduler_enabled: bool = True
    scheduler_intervals_s: dict[str, float] = Field(
        default_factory=dict,
        description="seconds between runs of an interval job, by job id, instead of its own "
        '(JSON, e.g. {"send_mail": 30}); cron jobs keep their time of day',
    )
    recommendation_prebuild: bool = Field(
        default=True,
        description="build the recommendation index in a background thread at start-up "
        "(requests never build it; 503 until the first build completes)",
    )
    recommendation_refresh_s: float = Field(
        default=2.0, description="how often the recommendation index looks for writes"
    )
    sqlite_busy_timeout_ms: int = 5000
    sqlite_create_missing: bool = Field(
        default=True,
        description="create a missing SQLite file on connect (the CLI refuses, but db upgrade)",
    )
    sqlite_write_wait_s: float = Field(
        default=10.0, description="longest wait of a writer for SQLite's write turn, then 503"
    )
    # Connections kept open: as many as may be in use at once (admission + the scheduled jobs'
    # one), no overflow. Overflow connections are closed when returned, so with more requests in
    # flight than the pool kept, every few requests opened a new connection (SQLite: open, pragmas,
    # schema parse, a cold page cache; PostgreSQL: a new backend). 4 workers × 15 = 60 of
    # PostgreSQL's default 100 connections.
    db_pool_size: int = 15
    db_max_overflow: int = 0
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
    log_format: Literal["json", "text"] | None = Field(
        default=None,
        description="json: one JSON object per line; text: one readable line "
        "(default: json in production, text elsewhere)",
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="bearer token that reads /metrics (unset: loopback only, not through a proxy)",
    )

    @property
    def effective_log_format(self) -> str:
        if self.log_format is not None:
            return self.log_format
        return "json" if self.environment == "production" else "text"

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

    forwarded_allow_ips: str = Field(
        default="",
        description=(
            "comma-separated addresses of the reverse proxies whose X-Forwarded-For / "
            "X-Forwarded-Proto are believed (empty: none, the client address is the peer's)"
        ),
    )
    import_max_bytes: int = Field(default=20 * 1024 * 1024, description="largest import upload")
    search_cache_entries: int = Field(
        default=512, ge=0, description="anonymous search answers kept per process (0: none)"
    )
    search_cache_bytes: int = Field(
        default=32 * 1024 * 1024, ge=0, description="bytes of kept search answers per process"
    )
    search_index: bool = Field(
        default=True,
        description="each worker holds the positions' words in memory for searches with words "
        "(built in a background thread at start-up; service/positions/text_index.py)",
    )
    search_index_max_positions: int = Field(
        default=500_000,
        ge=0,
        description="no in-memory search index above this many positions (the database answers)",
    )

    # Mail (notifications, password-reset links): off while no host is set.
    smtp_host: str | None = Field(
        default=None, description="SMTP server for mail; unset: no mail is sent or queued"
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="SMTP port")
    smtp_sender: str = Field(
        default="noreply@chanjiao.local", max_length=254, description="From address of mail"
    )
    smtp_tls: bool = Field(default=False, description="STARTTLS before sending")
    smtp_username: str | None = Field(default=None, description="SMTP login (optional)")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password")
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="the site's address as users reach it, for links in mail",
    )

    @property
    def mail_enabled(self) -> bool:
        return bool(self.smtp_host)

    def secret_problem(self) -> str | None:
        """Why the service must not start with this secret (production only); None when fine."""
        if self.environment != "production":
            return None
        if self.secret_key is None:
            return (
                "生产环境必须设置环境变量 CHANJIAO_SECRET_KEY（至少32字节的随机字符串，"
                "例如 python -c 'import secrets; print(secrets.token_urlsafe(48))' 的输出）"
            )
        if len(self.secret_key.get_secret_value().encode()) < MIN_SECRET_BYTES:
            return f"CHANJIAO_SECRET_KEY 太短：至少需要{MIN_SECRET_BYTES}字节的随机字符串"
        return None

    def jwt_secret(self) -> str:
        """The signing key: configured, or (outside production) one kept in a local file."""
        if (problem := self.secret_problem()) is not None:
            raise RuntimeError(problem)
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        # Every worker of a demo reads the same file, so tokens stay valid across workers.
        if not self.secret_file.exists():
            self.secret_file.write_text(secrets.token_urlsafe(48))
            self.secret_file.chmod(0o600)
        return self.secret_file.read_text().strip()


settings = Settings()
