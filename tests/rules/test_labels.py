"""Every code of the rules a person reads has its Chinese name."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rules import labels
from rules.screen import _TERM_GROUPS

DATA = Path(__file__).resolve().parents[2] / "seed" / "data"


def test_every_rule_and_threshold_of_the_shipped_data_has_a_chinese_name() -> None:
    profiles = (DATA / "policy_profiles.json").read_text(encoding="utf-8")
    rule_ids = set(re.findall(r'"rule_id": *"(\w+)"', profiles))
    compliance = json.loads((DATA / "compliance_rules.json").read_text(encoding="utf-8"))
    posting_rules = {name for name, _ in _TERM_GROUPS} | {
        key for key, value in compliance.items() if isinstance(value, int | float)
    }
    adjustment = {"destination_low", "oversupply", "oversupply_persistent", "vanishing"}
    for rule in rule_ids | posting_rules | adjustment:
        assert not labels.rule_label(rule).isascii(), rule


def test_thresholds_read_as_chinese() -> None:
    assert (
        labels.thresholds_text({"vanishing_share": 0.2, "lookback_years": 3})
        == "岗位需求降至 20%，与几年前相比 3 年"
    )
    assert labels.thresholds_text({"oversupply_ratio": 0.5, "min_sites": 5}) == (
        "供求比低于 0.5，布点数不少于 5 个"
    )
