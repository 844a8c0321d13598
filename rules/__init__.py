"""Rules that judge rather than match, on plain data like ``matching``.

- ``rules.adjustment``: the mismatch report's warnings — which majors a region should merge or
  close (撤并), reduce (调减), upgrade (改造升级) or expand (扩招), with the rule and figures
  behind it.
- ``rules.screen``: the posting screen — what an enterprise's posting may not say (equal treatment,
  fees, the internship rules), each finding with its source.

Like ``matching``, neither module imports ``models`` nor ``service``: callers pass dataclasses and
sequences (a test pins this).
"""
