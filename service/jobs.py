"""The scheduled jobs of every domain (each is one domain operation)."""

from __future__ import annotations

from service.scheduler import Job

JOBS: list[Job] = []
