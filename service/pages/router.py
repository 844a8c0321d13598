"""All page routes, one router per audience."""

from __future__ import annotations

from fastapi import APIRouter

from service.pages import (
    account,
    adjustments,
    enterprise,
    internships,
    journey,
    public,
    register,
    regulator,
    school,
    student,
    supervision,
)

router = APIRouter(include_in_schema=False)
router.include_router(public.router)
router.include_router(register.router)
router.include_router(account.router)
router.include_router(journey.router)
router.include_router(adjustments.school_router)
router.include_router(adjustments.regulator_router)
router.include_router(regulator.router)
router.include_router(supervision.router)
router.include_router(enterprise.router)
router.include_router(school.router)
router.include_router(student.router)
router.include_router(internships.router)
