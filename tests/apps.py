"""One application per test process: building one costs about half a second of CPU.

The ``client`` fixture (tests/conftest.py) serves this application and swaps what each test needs
through ``app.dependency_overrides`` and ``app.state``; tests that change a setting read while the
application is built (middleware limits, CORS, the secret check) call ``create_app()`` themselves.
"""

from __future__ import annotations

from functools import cache

from fastapi import FastAPI

from service.app import create_app


@cache
def shared_app() -> FastAPI:
    """The application built once under the test settings (tests/conftest.py sets them)."""
    return create_app()
