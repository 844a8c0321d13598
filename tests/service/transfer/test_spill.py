"""The temporary file an import's checked rows wait in (no database)."""

from __future__ import annotations

import uuid
from datetime import date

from service.transfer.spill import Spill
from service.transfer.validation import PositionValues, Prepared


def test_a_spill_gives_back_its_items_in_order_a_part_at_a_time_as_often_as_asked() -> None:
    with Spill(range(7), part=3) as spill:
        assert len(spill) == 7
        assert [len(part) for part in spill.parts()] == [3, 3, 1]
        first = iter(spill)
        assert next(first) == 0
        assert list(spill) == list(range(7))  # another reading meanwhile
        assert list(first) == list(range(1, 7))
    assert spill.closed


def test_a_spilled_compact_row_keeps_its_values_and_its_unset_columns() -> None:
    values = PositionValues({"id": uuid.uuid4(), "title": "数控编程", "requirements": None})
    values["start_date"] = date(2026, 9, 1)
    item = Prepared(12, ("key",), values, ("460103",))
    with Spill([item]) as spill:
        (back,) = list(spill)
    assert type(back.values) is PositionValues
    assert back.values.as_dict() == values.as_dict()
    assert "requirements" in back.values
    assert "description" not in back.values
    assert back == item
