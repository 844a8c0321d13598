"""Personal data of students (PIPL Art. 6, 23): who may see a name and a phone, and the masks.

A student's name and phone are shown only to the student, to its school, and to an enterprise the
student applied to — and to that enterprise only inside that application (the student consented
when applying). Every other view, regulators' exports included, shows the masks: 张* and
138****1234. Log lines and error messages never carry either.
"""

from __future__ import annotations

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


def is_masked(value: str | None) -> bool:
    """A value that came out of a mask (an export read back): never store it as the real one."""
    return value is not None and MASK in value
