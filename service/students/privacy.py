"""Personal data of students (PIPL Art. 6, 23): who may see a name and a phone, and the masks.

A student's name, phone and birth date are shown only to the student, to its school, and to an
enterprise the student applied to — and to that enterprise only inside that application (the
student consented when applying). Every other view, regulators' exports included, shows the
masks: 张*, 138****1234 and no birth date. Log lines and error messages never carry any.
"""

from __future__ import annotations

from datetime import date

MASK = "*"


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the family name's first character stays."""
    if not name:
        return name
    return name[0] + MASK * max(1, len(name) - 1)


def mask_phone(phone: str | None) -> str | None:
    """13812341234 → 138****1234; a short number keeps only its last two digits."""
    if not phone:
        return phone
    if len(phone) >= 11:
        return phone[:3] + MASK * 4 + phone[-4:]
    return MASK * max(1, len(phone) - 2) + phone[-2:]


def mask_birth_date(birth_date: date | None) -> str | None:
    """A birth date as the audit log keeps it: that there is one, not which (****-**-**). The
    API shows null to whoever may not see it."""
    return None if birth_date is None else "****-**-**"


def is_masked(value: str | None) -> bool:
    """A value that came out of a mask (an export read back): never store it as the real one."""
    return value is not None and MASK in value
