"""The applications' small world (a school, a student account, an enterprise with a position)."""

from tests.service.applications.conftest import world

__all__ = ["world"]
