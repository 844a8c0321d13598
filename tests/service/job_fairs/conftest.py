"""The applications' small world (a school with a student account, an enterprise with an open
position, the other parties), shared rather than copied."""

from tests.service.applications.conftest import MAJOR, World, make_student_account, world

__all__ = ["MAJOR", "World", "make_student_account", "world"]
