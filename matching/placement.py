"""Placement rounds: student-proposing deferred acceptance with capacities.

Students rank positions; positions rank the students they accept and have a capacity. A pair is
possible only when each side lists the other. `DeferredAcceptance` runs student-proposing deferred
acceptance (Gale & Shapley 1962; Roth 1984 for capacities) and returns the assignment with the
unassigned students, the unfilled places and the blocking pairs a verifier finds (none for a
stable result; see below for what is guaranteed).

Two further constraints may be stated in the instance:

- an enterprise-level capacity across the enterprise's positions, and
- a school quota: at most ``limit`` students of one school at one enterprise.

Both are handled by the enterprise's choice rule. Its *master order* over the pairs it holds sorts
them by the rank the position gave the student, then by the position's place in the instance (a
student ranked 2nd anywhere comes before one ranked 3rd anywhere). From the pairs on offer the
enterprise keeps, in master order, every pair that fits all of its caps (position capacity,
enterprise capacity, school quotas) given the pairs kept before it.

Stability. An assignment is stable when every pair in it is mutually acceptable, every cap holds,
and no *blocking pair* exists: a student ``s`` and a position ``p`` such that ``s`` prefers ``p``
to its place (or has none) and the enterprise of ``p``, offered its current pairs plus ``(s, p)``,
would keep ``(s, p)`` (it keeps one pair per student, the first in master order). Concretely:
fewer than ``capacity(p)`` students at ``p`` rank above ``s``; and, where the enterprise has a cap
or a quota, ``s``'s present pair there (if any) does not come before ``(s, p)``, fewer than the
enterprise capacity of its pairs come before ``(s, p)``, and fewer than the school quota of its
pairs with ``s``'s schoolmates come before it.

What the solver guarantees (tests/matching/test_placement.py proves each on generated instances):

- Positions only (no enterprise capacity, no school quota): the classical hospitals/residents
  problem. The result is the student-optimal stable assignment, identical to the `matching`
  package's, and strategy-proof for students (Roth 1982; Roth & Sotomayor 1990).
- Enterprise capacities (and school quotas at enterprises with one position, which nest the same
  way): the result is stable. A student-optimal stable assignment need not exist, because an
  enterprise ranks pairs, and one student's pairs at two positions sit at different places in its
  master order; the test shows two stable assignments each better for a different student.
- School quotas at an enterprise with several positions cross the position caps (the non-laminar
  common quotas of Biró, Fleiner, Irving & Manlove 2010, where deciding whether a stable
  assignment exists is NP-complete). The result keeps every cap and quota; the pairs that block
  it, if any, are in ``blocking_pairs``.

Ties in a position's ranking (a list of student ids in place of one id) are broken by one
lottery over all students, drawn from ``random_state`` and returned with the result.

Cost: linear in the total length of the preference lists, up to a sort. Small instances run on
plain lists (a heap operation per proposal, numpy not imported); from `VECTORISE_FROM` entries on,
on numpy arrays, deferred acceptance in vectorised rounds (see `_Compiled._solve_rounds`).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress, repeat
from operator import add, is_not, itemgetter
from typing import Any, NoReturn

__all__ = [
    "DeferredAcceptance",
    "PlacementError",
    "PlacementInstance",
    "PlacementPosition",
    "PlacementResult",
    "PlacementStudent",
    "SchoolQuota",
    "find_blocking_pairs",
    "solve_placement",
]

Ranking = Sequence[str | Sequence[str]]


class PlacementError(ValueError):
    """An instance that cannot be solved as given; the message says where (in Chinese)."""


@dataclass(slots=True)
class PlacementStudent:
    """A student and the positions it accepts, most wanted first."""

    id: str
    choices: Sequence[str]
    school: str | None = None


@dataclass(slots=True)
class PlacementPosition:
    """A position with its places and the students it accepts, best first.

    An entry of ``ranking`` that is itself a list is a tie among those students.
    """

    id: str
    capacity: int
    ranking: Ranking
    enterprise: str | None = None


@dataclass(frozen=True, slots=True)
class SchoolQuota:
    """At most ``limit`` students of ``school`` placed at ``enterprise`` (all its positions)."""

    school: str
    enterprise: str
    limit: int


@dataclass(frozen=True)
class PlacementInstance:
    """Students, positions, enterprise capacities and school quotas of one round."""

    students: Sequence[PlacementStudent]
    positions: Sequence[PlacementPosition]
    enterprise_capacities: Mapping[str, int] = field(default_factory=dict)
    school_quotas: Sequence[SchoolQuota] = ()

    @classmethod
    def from_dict(cls, data: Any) -> PlacementInstance:
        """Read the JSON form; a wrong shape raises `PlacementError` naming the field."""
        return _parse_instance(data)


@dataclass(frozen=True)
class PlacementResult:
    """The outcome of a round.

    Attributes
    ----------
    assignments : dict of str to str
        Student id → position id, in the students' order.
    unassigned : list of str
        Students without a place, in the students' order.
    unfilled : dict of str to int
        Position id → places left empty (positions with none left are omitted).
    blocking_pairs : list of (str, str)
        (student, position) pairs that block the assignment; empty when it is stable.
    random_state : int
        The seed of the tie-breaking lottery.
    lottery : dict of str to int
        The lottery number (lower wins a tie) of every student that appears in a tie.
    """

    assignments: dict[str, str]
    unassigned: list[str]
    unfilled: dict[str, int]
    blocking_pairs: list[tuple[str, str]]
    random_state: int
    lottery: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for JSON."""
        return {
            "assignments": [{"student": s, "position": p} for s, p in self.assignments.items()],
            "unassigned": list(self.unassigned),
            "unfilled": dict(self.unfilled),
            "blocking_pairs": [{"student": s, "position": p} for s, p in self.blocking_pairs],
            "seed": self.random_state,
            "lottery": dict(self.lottery),
        }


class DeferredAcceptance:
    """Student-proposing deferred acceptance with capacities, enterprise caps and school quotas.

    Parameters
    ----------
    random_state : int, default=0
        Seed of the lottery that breaks ties in positions' rankings.

    Attributes
    ----------
    result_ : PlacementResult
        The assignment found by `fit`, with its verification.
    """

    def __init__(self, random_state: int = 0) -> None:
        self.random_state = random_state

    def fit(self, instance: PlacementInstance) -> DeferredAcceptance:
        """Solve ``instance``; raises `PlacementError` on unknown ids or duplicates."""
        compiled = _Compiled(instance, self.random_state)
        held = compiled.solve()
        self.result_ = compiled.result(held)
        return self


def solve_placement(instance: PlacementInstance, random_state: int = 0) -> PlacementResult:
    """The student-optimal stable assignment of ``instance`` (see the module docstring)."""
    return DeferredAcceptance(random_state=random_state).fit(instance).result_


def find_blocking_pairs(
    instance: PlacementInstance, assignments: Mapping[str, str], random_state: int = 0
) -> list[tuple[str, str]]:
    """The (student, position) pairs that block ``assignments`` under the module's definition.

    Raises `PlacementError` if ``assignments`` is not feasible (an unacceptable pair, a cap
    exceeded, an unknown id).
    """
    compiled = _Compiled(instance, random_state)
    held = compiled.held_from(assignments)
    return compiled.blocking_pairs(held)


# ---------------------------------------------------------------- parsing the JSON form


def _fail(path: str, message: str) -> PlacementError:
    return PlacementError(f"{path}：{message}" if path else message)


def _expect_list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(path, "应为列表")
    return value


def _expect_dict(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, "应为对象")
    return value


def _expect_id(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise _fail(path, "编号应为非空文本")
    return value


def _expect_count(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(path, "应为整数")
    if value < 0:
        raise _fail(path, "不能为负数")
    return value


def _required(item: dict[str, Any], key: str, path: str) -> Any:
    if key not in item:
        raise _fail(f"{path}.{key}", "必填项缺失")
    return item[key]


def _parse_ranking(value: Any, path: str) -> Ranking:
    # The ids themselves are checked when the instance is compiled (one pass over all of them).
    return _expect_list(value, path)


def _student(i: int, raw: Any) -> PlacementStudent:
    path = f"students[{i}]"
    item = _expect_dict(raw, path)
    choices = _expect_list(_required(item, "choices", path), f"{path}.choices")
    school = item.get("school")
    return PlacementStudent(
        id=_expect_id(_required(item, "id", path), f"{path}.id"),
        choices=choices,
        school=None if school is None else _expect_id(school, f"{path}.school"),
    )


def _position(i: int, raw: Any) -> PlacementPosition:
    path = f"positions[{i}]"
    item = _expect_dict(raw, path)
    enterprise = item.get("enterprise")
    return PlacementPosition(
        id=_expect_id(_required(item, "id", path), f"{path}.id"),
        capacity=_expect_count(_required(item, "capacity", path), f"{path}.capacity"),
        ranking=_parse_ranking(_required(item, "ranking", path), f"{path}.ranking"),
        enterprise=None if enterprise is None else _expect_id(enterprise, f"{path}.enterprise"),
    )


def _parse_instance(data: Any) -> PlacementInstance:
    root = _expect_dict(data, "")
    raw_students = _expect_list(_required(root, "students", "实例"), "students")
    students = _students_in_bulk(raw_students)
    if students is None:
        students = [_student(i, raw) for i, raw in enumerate(raw_students)]
    raw_positions = _expect_list(_required(root, "positions", "实例"), "positions")
    positions = _positions_in_bulk(raw_positions)
    if positions is None:
        positions = [_position(i, raw) for i, raw in enumerate(raw_positions)]
    capacities: dict[str, int] = {}
    for i, raw in enumerate(_expect_list(root.get("enterprises", []), "enterprises")):
        path = f"enterprises[{i}]"
        item = _expect_dict(raw, path)
        ent = _expect_id(_required(item, "id", path), f"{path}.id")
        if ent in capacities:
            raise _fail(f"{path}.id", f"企业编号“{ent}”重复")
        capacities[ent] = _expect_count(_required(item, "capacity", path), f"{path}.capacity")
    quotas = []
    for i, raw in enumerate(_expect_list(root.get("school_quotas", []), "school_quotas")):
        path = f"school_quotas[{i}]"
        item = _expect_dict(raw, path)
        quotas.append(
            SchoolQuota(
                school=_expect_id(_required(item, "school", path), f"{path}.school"),
                enterprise=_expect_id(_required(item, "enterprise", path), f"{path}.enterprise"),
                limit=_expect_count(_required(item, "limit", path), f"{path}.limit"),
            )
        )
    return PlacementInstance(students, positions, capacities, quotas)


# The usual file, checked a column at a time in C (a million students: ~0.2 s, where the checks
# item by item take ~1 s); anything unusual (None) goes through those checks, which name it.
_ID_TYPES = {str}
_OPTIONAL_ID_TYPES = {str, type(None)}


def _columns(raw: list[Any], *keys: str) -> list[list[Any]] | None:
    if not set(map(type, raw)) <= {dict}:
        return None
    try:
        return [list(map(itemgetter(key), raw)) for key in keys]
    except KeyError:
        return None


def _ids_fine(ids: list[Any], optional: bool = False) -> bool:
    return set(map(type, ids)) <= (_OPTIONAL_ID_TYPES if optional else _ID_TYPES) and "" not in ids


def _students_in_bulk(raw: list[Any]) -> list[PlacementStudent] | None:
    columns = _columns(raw, "id", "choices")
    if columns is None:
        return None
    ids, choices = columns
    schools = list(map(dict.get, raw, repeat("school")))
    if not (_ids_fine(ids) and set(map(type, choices)) <= {list} and _ids_fine(schools, True)):
        return None
    return list(map(PlacementStudent, ids, choices, schools))


def _positions_in_bulk(raw: list[Any]) -> list[PlacementPosition] | None:
    columns = _columns(raw, "id", "capacity", "ranking")
    if columns is None:
        return None
    ids, capacities, rankings = columns
    enterprises = list(map(dict.get, raw, repeat("enterprise")))
    if not (
        _ids_fine(ids)
        and set(map(type, capacities)) <= {int}
        and min(capacities, default=0) >= 0
        and set(map(type, rankings)) <= {list}
        and _ids_fine(enterprises, True)
    ):
        return None
    return list(map(PlacementPosition, ids, capacities, rankings, enterprises))


# ---------------------------------------------------------------- the solver


def _index(ids: Sequence[str], what: str, where: str) -> dict[str, int]:
    index = dict(zip(ids, range(len(ids)), strict=True))
    if len(index) != len(ids):
        seen: set[str] = set()
        for i, value in enumerate(ids):
            if value in seen:
                raise _fail(f"{where}[{i}].id", f"{what}编号“{value}”重复")
            seen.add(value)
    return index


# From this total length of the preference lists on, the instance is compiled to numpy arrays and
# solved in vectorised rounds; below it plain lists are faster, numpy's import included (a whole
# `chanjiao placement run` of 5 000 students × 10 choices needs no numpy at all).
VECTORISE_FROM = 200_000


class _Compiled:
    """The instance as integers: students 0..n-1, positions 0..m-1.

    Every student's list is cut to its mutually acceptable pairs at positions with places, kept in
    the student's order: ``starts[s]:starts[s + 1]`` indexes ``choice_position`` and ``choice_rank``
    (the student's rank in the position's list). Every pair has a *key*: rank × m + position, the
    enterprise's master order (smaller is better). Small instances are held in lists; from
    `VECTORISE_FROM` entries on, in numpy arrays (``*_np``), with the lists built only if the
    constrained solver needs them.
    """

    def __init__(
        self, instance: PlacementInstance, random_state: int, vectorise: bool | None = None
    ) -> None:
        self.instance = instance
        self.random_state = random_state
        students, positions = instance.students, instance.positions
        self.student_ids = [s.id for s in students]
        self.position_ids = [p.id for p in positions]
        self.student_index = _index(self.student_ids, "学生", "students")
        self.position_index = _index(self.position_ids, "岗位", "positions")
        n, m = len(students), len(positions)
        self.n, self.m = n, max(m, 1)
        self.capacity = [p.capacity for p in positions]
        for j, p in enumerate(positions):
            if isinstance(p.capacity, bool) or not isinstance(p.capacity, int) or p.capacity < 0:
                raise _fail(f"positions[{j}].capacity", "应为非负整数")
        self.lottery: dict[str, int] = {}
        choices = [s.choices for s in students]
        rankings = [p.ranking for p in positions]
        if vectorise is None:
            vectorise = sum(map(len, choices)) + sum(map(len, rankings)) >= VECTORISE_FROM
        self.vectorised = vectorise
        self.held_at: list[int] | None = None
        self._choice_rank: list[int] | None = None
        if vectorise:
            self._compile_arrays(choices, rankings)
        else:
            self._compile_lists(choices, rankings)
        self._constraints()
        if self.constrained and vectorise:
            self._lists_from_arrays()

    # -- preference lists: the faults, named ------------------------------------------

    def _unknown_choice(self, choices: Sequence[Sequence[Any]]) -> NoReturn:
        position_index = self.position_index
        for i, chosen in enumerate(choices):
            for j, c in enumerate(chosen):
                if not isinstance(c, str) or c not in position_index:
                    raise _fail(f"students[{i}].choices[{j}]", f"岗位编号“{c}”不存在")
        raise AssertionError("every choice is a known position")  # pragma: no cover

    def _repeated_choice(self, chosen: Sequence[Sequence[int]]) -> None:
        for i, row in enumerate(chosen):
            if len(set(row)) != len(row):
                seen: set[int] = set()
                for p in row:
                    if p in seen:
                        raise _fail(
                            f"students[{i}].choices", f"岗位编号“{self.position_ids[p]}”重复出现"
                        )
                    seen.add(p)

    def _repeated_in_ranking(self, j: int, order: Sequence[int]) -> NoReturn:
        seen: set[int] = set()
        for s in order:
            if s in seen:
                raise _fail(f"positions[{j}].ranking", f"学生编号“{self.student_ids[s]}”重复出现")
            seen.add(s)
        raise AssertionError("a repeated student")  # pragma: no cover

    def _ranking_order(self, j: int, ranking: Ranking, tickets: list[int]) -> list[int]:
        """Position ``j``'s students best first, ties broken by ``tickets``; unknown ids raise."""
        student_index = self.student_index
        order: list[int] = []
        for r, entry in enumerate(ranking):
            group: list[Any] = list(entry) if isinstance(entry, list | tuple) else [entry]
            indices = []
            for k, s in enumerate(group):
                if not isinstance(s, str) or s not in student_index:
                    where = f"positions[{j}].ranking[{r}]" + (
                        f"[{k}]" if isinstance(entry, list | tuple) else ""
                    )
                    raise _fail(where, f"学生编号“{s}”不存在")
                indices.append(student_index[s])
            if len(group) > 1:
                for s in group:
                    self.lottery[s] = tickets[student_index[s]]
            indices.sort(key=tickets.__getitem__)
            order.extend(indices)
        return order

    def _draw_lottery(self) -> list[int]:
        # Drawn over the sorted ids, so the numbers do not depend on the order of the input.
        import random

        order = sorted(range(self.n), key=self.student_ids.__getitem__)
        random.Random(self.random_state).shuffle(order)
        tickets = [0] * self.n
        for ticket, s in enumerate(order):
            tickets[s] = ticket
        return tickets

    def _orders(self, rankings: Sequence[Ranking]) -> list[list[int]]:
        """Every position's students as numbers, ties broken (faults raise, unknown ids first)."""
        student_index = self.student_index
        tickets: list[int] | None = None
        orders = []
        for j, ranking in enumerate(rankings):
            try:
                # No ties and no unknown ids (the common case): one pass in C.
                orders.append(list(map(student_index.__getitem__, ranking)))  # type: ignore[arg-type]
            except (KeyError, TypeError):
                if tickets is None:
                    tickets = self._draw_lottery()
                orders.append(self._ranking_order(j, ranking, tickets))
        return orders

    # -- preference lists as plain lists ----------------------------------------------

    def _compile_lists(self, choices: Sequence[Sequence[Any]], rankings: Sequence[Ranking]) -> None:
        # Each step is a pass in C (map, zip, compress, dict), not Python code per entry: at
        # 50 000 entries that is most of the time of a whole `chanjiao placement run`.
        n, capacity = self.n, self.capacity
        position_of = self.position_index.__getitem__
        try:
            rows = [list(map(position_of, c)) for c in choices]
        except (KeyError, TypeError):
            self._unknown_choice(choices)
        if any(len(set(row)) != len(row) for row in rows):
            self._repeated_choice(rows)
        orders = self._orders(rankings)
        # Per position: student → code (rank × n + student; one comparison orders two pairs at
        # a position). A dictionary shorter than its list is a repeated student.
        codes_at = [
            dict(zip(order, map(add, range(0, len(order) * n, n or 1), order), strict=True))
            for order in orders
        ]
        for j, order in enumerate(orders):
            if len(codes_at[j]) != len(order):
                self._repeated_in_ranking(j, order)
            if not capacity[j]:
                codes_at[j] = {}
        chosen = list(chain.from_iterable(rows))
        # The student numbers are the index's own int objects, as in `orders`: a look-up then
        # matches by identity, without reading the key.
        owners = list(chain.from_iterable(map(repeat, self.student_index.values(), map(len, rows))))
        found = list(map(dict.get, map(codes_at.__getitem__, chosen), owners))
        kept = list(map(is_not, found, repeat(None)))
        self.choice_position = list(compress(chosen, kept))
        self.codes: list[int] = list(compress(found, kept))  # type: ignore[arg-type]
        self.starts = list(map(bisect_left, repeat(list(compress(owners, kept))), range(n + 1)))

    @property
    def choice_rank(self) -> list[int]:
        """Each kept entry's rank at its position (the constrained solver's master order)."""
        if self._choice_rank is None:
            n = self.n
            self._choice_rank = [code // n for code in self.codes]
        return self._choice_rank

    def _lists_from_arrays(self) -> None:
        self.starts = self.starts_np.tolist()
        self.choice_position = self.position_np.tolist()
        self._choice_rank = self.rank_np.tolist()
        self.codes = (self.rank_np * self.n + self.owner_np).tolist()

    # -- preference lists as numpy arrays ---------------------------------------------

    def _compile_arrays(
        self, choices: Sequence[Sequence[Any]], rankings: Sequence[Ranking]
    ) -> None:
        import numpy as np

        n, m = self.n, self.m
        flat_choices = list(chain.from_iterable(choices))
        positions = _intern(self.position_ids, flat_choices)
        if positions is None:
            try:
                positions = np.fromiter(
                    map(self.position_index.__getitem__, flat_choices),
                    np.int64,
                    len(flat_choices),
                )
            except (KeyError, TypeError):
                self._unknown_choice(choices)
        del flat_choices
        lengths = np.fromiter(map(len, choices), np.int64, n)
        owners = np.repeat(np.arange(n, dtype=np.int64), lengths)
        if _has_repeats(owners, positions, lengths):
            self._repeated_choice([list(map(self.position_index.__getitem__, c)) for c in choices])
        flat_rankings = list(chain.from_iterable(rankings))
        students = _intern(self.student_ids, flat_rankings)
        del flat_rankings
        if students is None:
            orders = self._orders(rankings)
            students = np.fromiter(chain.from_iterable(orders), np.int64)
            lengths_r = np.fromiter(map(len, orders), np.int64, len(orders))
            del orders
        else:
            lengths_r = np.fromiter(map(len, rankings), np.int64, len(rankings))
        rank_owner = np.repeat(np.arange(len(lengths_r), dtype=np.int64), lengths_r)
        first = np.cumsum(lengths_r) - lengths_r
        ranks = np.arange(len(students), dtype=np.int64) - np.repeat(first, lengths_r)
        # Join the two sides on the pair key student × m + position: the ranking side sorted (the
        # rank packed into the low bits when it fits), each choice looked up in it.
        rank_keys = students * m + rank_owner
        del students, rank_owner
        width = max(int(lengths_r.max(initial=0)), 1)
        if n * m * width < 2**62:
            packed = np.sort(rank_keys * width + ranks)
            sorted_keys, sorted_ranks = packed // width, packed % width
            del packed
        else:
            order = np.argsort(rank_keys)
            sorted_keys, sorted_ranks = rank_keys[order], ranks[order]
            del order
        del rank_keys, ranks
        repeated = np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1])
        if len(repeated):
            # Named as the lists do: the first position with a repeat, its first repeat.
            for j, listed in enumerate(self._orders(rankings)):
                if len(set(listed)) != len(listed):
                    self._repeated_in_ranking(j, listed)
        choice_keys = owners * m + positions
        if len(sorted_keys):
            at = np.searchsorted(sorted_keys, choice_keys)
            np.minimum(at, len(sorted_keys) - 1, out=at)
            found = sorted_keys[at] == choice_keys
        else:
            at = np.zeros(len(choice_keys), dtype=np.int64)
            found = np.zeros(len(choice_keys), dtype=bool)
        del choice_keys
        capacity = np.asarray(self.capacity + [0], dtype=np.int64)
        found &= capacity[positions] > 0
        kept = np.bincount(owners[found], minlength=n) if n else np.zeros(0, np.int64)
        starts = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(kept, out=starts[1:])
        self.starts_np = starts
        self.position_np = positions[found]
        self.rank_np = sorted_ranks[at[found]]
        self.owner_np = owners[found]

    # -- enterprise capacities and school quotas --------------------------------------

    def _constraints(self) -> None:
        instance = self.instance
        enterprises = {p.enterprise for p in instance.positions if p.enterprise is not None}
        for ent in instance.enterprise_capacities:
            if ent not in enterprises:
                raise _fail("enterprises", f"企业编号“{ent}”没有岗位")
        schools = {s.school for s in instance.students if s.school is not None}
        constrained = set(instance.enterprise_capacities)
        for i, quota in enumerate(instance.school_quotas):
            if quota.enterprise not in enterprises:
                raise _fail(
                    f"school_quotas[{i}].enterprise", f"企业编号“{quota.enterprise}”没有岗位"
                )
            if quota.school not in schools:
                raise _fail(f"school_quotas[{i}].school", f"学校编号“{quota.school}”没有学生")
            if isinstance(quota.limit, bool) or not isinstance(quota.limit, int) or quota.limit < 0:
                raise _fail(f"school_quotas[{i}].limit", "应为非负整数")
            constrained.add(quota.enterprise)
        self.constrained = bool(constrained)
        # Only enterprises with a cap or a quota take part in the enterprise-level choice.
        ent_ids = sorted(constrained)
        ent_index = {e: k for k, e in enumerate(ent_ids)}
        self.enterprise_of = [
            ent_index.get(p.enterprise, -1) if p.enterprise is not None else -1
            for p in instance.positions
        ]
        self.enterprise_capacity = [
            instance.enterprise_capacities.get(e, self.n + 1) for e in ent_ids
        ]
        school_ids = sorted(schools)
        school_index = {s: k for k, s in enumerate(school_ids)}
        self.school_of = [
            school_index[s.school] if s.school is not None else -1 for s in instance.students
        ]
        self.group_of: dict[int, int] = {}
        self.group_limit: list[int] = []
        for i, quota in enumerate(instance.school_quotas):
            key = school_index[quota.school] * len(ent_ids) + ent_index[quota.enterprise]
            if key in self.group_of:
                raise _fail(
                    f"school_quotas[{i}]",
                    f"学校“{quota.school}”在企业“{quota.enterprise}”的名额重复设置",
                )
            self.group_of[key] = len(self.group_limit)
            self.group_limit.append(quota.limit)
        self.n_enterprises = len(ent_ids)

    def _group(self, s: int, e: int) -> int:
        if e < 0 or self.school_of[s] < 0:
            return -1
        return self.group_of.get(self.school_of[s] * self.n_enterprises + e, -1)

    # -- deferred acceptance ----------------------------------------------------------

    def solve(self) -> list[int]:
        """The position held by each student (-1: none) when no one is left to propose."""
        if self.constrained:
            return self._solve_constrained()
        if self.vectorised:
            return self._solve_rounds()
        return self._solve_simple()

    def _solve_simple(self) -> list[int]:
        n, cp, cap, codes = self.n, self.choice_position, self.capacity, self.codes
        next_choice = self.starts[:-1]
        ends = self.starts[1:]
        held = [-1] * n
        held_at = [-1] * n
        heaps: list[list[int]] = [[] for _ in range(self.m)]
        push, replace = heapq.heappush, heapq.heapreplace
        for first in range(n):
            s = first
            while s >= 0:
                i, end = next_choice[s], ends[s]
                free = -1
                while i < end:
                    p = cp[i]
                    code = codes[i]
                    heap = heaps[p]
                    if len(heap) < cap[p]:
                        push(heap, -code)
                        held[s], held_at[s] = p, i
                        break
                    if code < -heap[0]:
                        free = -replace(heap, -code) % n
                        held[s], held_at[s] = p, i
                        held[free] = held_at[free] = -1
                        break
                    i += 1
                next_choice[s] = i + 1
                s = free
        self.held_at = held_at
        return held

    def _solve_rounds(self) -> list[int]:
        """Deferred acceptance in rounds, in arrays: every free student proposes to its next
        choice at once; each position keeps the best ``capacity`` of those it holds and those
        proposing, and rejects the rest, who propose again in the next round.

        The student-optimal stable assignment does not depend on the order of the proposals,
        so this gives what `_solve_simple` gives. A position's places are a run of *slots*
        holding codes (rank × n + student) best first, ``empty`` (above every code) where free.
        """
        import numpy as np

        n, m = self.n, self.m
        positions, ranks, starts = self.position_np, self.rank_np, self.starts_np
        ends = starts[1:]
        next_choice = starts[:-1].copy()
        # A position cannot hold more students than rank it.
        demand = np.bincount(positions, minlength=m)
        places = np.minimum(np.asarray(self.capacity + [0] * (m - len(self.capacity))), demand)
        offsets = np.zeros(m + 1, dtype=np.int64)
        np.cumsum(places, out=offsets[1:])
        empty = (int(ranks.max(initial=0)) + 1) * n
        slots = np.full(int(offsets[-1]), empty, dtype=np.int64)
        last_slot = offsets[1:] - 1
        # One sort key per (position, code) when it fits in 63 bits.
        packs = m * (empty + 1) < 2**62
        free = np.flatnonzero(next_choice < ends)
        while len(free):
            entry = next_choice[free]
            next_choice[free] += 1
            at = positions[entry]
            code = ranks[entry] * n + free
            # Most proposals lose to a full position's worst holder: no merge for them.
            beats = code < slots[last_slot[at]]
            rejected = free[~beats]
            at, code = at[beats], code[beats]
            if len(at):
                touched = np.unique(at)
                sizes = places[touched]
                run_start = np.repeat(offsets[touched] - (np.cumsum(sizes) - sizes), sizes)
                slot_index = run_start + np.arange(int(sizes.sum()), dtype=np.int64)
                group = np.concatenate([np.repeat(touched, sizes), at])
                codes = np.concatenate([slots[slot_index], code])
                if packs:
                    order = np.argsort(group * (empty + 1) + codes)
                else:
                    order = np.lexsort((codes, group))
                group, codes = group[order], codes[order]
                group_start = np.searchsorted(group, touched)
                within = np.arange(len(group), dtype=np.int64) - np.repeat(
                    group_start, np.diff(np.append(group_start, len(group)))
                )
                keep = within < places[group]
                slots[offsets[group[keep]] + within[keep]] = codes[keep]
                dropped = codes[~keep]
                rejected = np.concatenate([rejected, dropped[dropped < empty] % n])
            free = rejected[next_choice[rejected] < ends[rejected]]
        taken = slots < empty
        held_np = np.full(n, -1, dtype=np.int64)
        students = slots[taken] % n
        held_np[students] = np.repeat(np.arange(m, dtype=np.int64), places)[taken]
        held_at = np.full(n, -1, dtype=np.int64)
        held_at[students] = next_choice[students] - 1
        self.held_at = held_at.tolist()
        held: list[int] = held_np.tolist()
        return held

    def _solve_constrained(self) -> list[int]:
        n, m, cp, cr, cap = self.n, self.m, self.choice_position, self.choice_rank, self.capacity
        next_choice = self.starts[:-1]
        ends = self.starts[1:]
        held = [-1] * n
        enterprise_of, ent_cap, group_limit = (
            self.enterprise_of,
            self.enterprise_capacity,
            self.group_limit,
        )
        pos_heaps: list[list[int]] = [[] for _ in range(m)]
        ent_heaps: list[list[int]] = [[] for _ in range(self.n_enterprises)]
        group_heaps: list[list[int]] = [[] for _ in group_limit]
        pos_count = [0] * m
        ent_count = [0] * self.n_enterprises
        group_count = [0] * len(group_limit)

        def worst(heap: list[int]) -> int:
            # Pairs leave the heaps lazily: a code is live while its student is still held there.
            # An empty heap is a cap of 0: -1 comes before every pair, so nothing is kept.
            while heap:
                code = -heap[0]
                if held[code % n] == (code // n) % m:
                    return code
                heapq.heappop(heap)
            return -1

        def release(code: int) -> int:
            s = code % n
            p = held[s]
            held[s] = -1
            pos_count[p] -= 1
            e = enterprise_of[p]
            if e >= 0:
                ent_count[e] -= 1
                g = self._group(s, e)
                if g >= 0:
                    group_count[g] -= 1
            return s

        stack = list(range(n - 1, -1, -1))
        while stack:
            s = stack.pop()
            i, end = next_choice[s], ends[s]
            while i < end:
                p = cp[i]
                code = (cr[i] * m + p) * n + s
                i += 1
                e = enterprise_of[p]
                g = self._group(s, e)
                # The caps that are full: x is kept only if it beats the worst pair of each.
                full: list[tuple[int, str, int]] = []
                if pos_count[p] >= cap[p]:
                    full.append((worst(pos_heaps[p]), "p", p))
                if e >= 0 and ent_count[e] >= ent_cap[e]:
                    full.append((worst(ent_heaps[e]), "e", e))
                if g >= 0 and group_count[g] >= group_limit[g]:
                    full.append((worst(group_heaps[g]), "g", g))
                if any(w < code for w, _, _ in full):
                    continue
                held[s] = p
                pos_count[p] += 1
                heapq.heappush(pos_heaps[p], -code)
                if e >= 0:
                    ent_count[e] += 1
                    heapq.heappush(ent_heaps[e], -code)
                    if g >= 0:
                        group_count[g] += 1
                        heapq.heappush(group_heaps[g], -code)
                # Greedy in master order drops, best first, the worst pair of each over-full cap
                # that an earlier drop has not already relieved.
                full.sort()
                dropped: list[tuple[int, int]] = []  # (position, group) of each dropped pair
                for w, kind, which in full:
                    if kind == "p" and any(dp == which for dp, _ in dropped):
                        continue
                    if kind == "e" and dropped:
                        continue
                    if kind == "g" and any(dg == which for _, dg in dropped):
                        continue
                    wp = (w // n) % m
                    stack.append(release(w))
                    dropped.append((wp, self._group(w % n, e)))
                break
            next_choice[s] = i
        return held

    # -- results and verification -----------------------------------------------------

    def result(self, held: list[int]) -> PlacementResult:
        student_ids, position_ids, capacity = self.student_ids, self.position_ids, self.capacity
        placed = [p >= 0 for p in held]
        assignments = dict(
            zip(
                compress(student_ids, placed),
                map(position_ids.__getitem__, compress(held, placed)),
                strict=True,
            )
        )
        unassigned = list(compress(student_ids, [not x for x in placed]))
        filled = Counter(compress(held, placed))
        unfilled = {
            pid: capacity[j] - filled[j]
            for j, pid in enumerate(position_ids)
            if capacity[j] > filled[j]
        }
        return PlacementResult(
            assignments=assignments,
            unassigned=unassigned,
            unfilled=unfilled,
            blocking_pairs=self.blocking_pairs(held),
            random_state=self.random_state,
            lottery=dict(sorted(self.lottery.items(), key=lambda item: item[1])),
        )

    def held_from(self, assignments: Mapping[str, str]) -> list[int]:
        held = [-1] * self.n
        for sid, pid in assignments.items():
            if sid not in self.student_index:
                raise _fail("assignments", f"学生编号“{sid}”不存在")
            if pid not in self.position_index:
                raise _fail("assignments", f"岗位编号“{pid}”不存在")
            held[self.student_index[sid]] = self.position_index[pid]
        return held

    def _pair_rank(self, s: int, p: int) -> int:
        for i in range(self.starts[s], self.starts[s + 1]):
            if self.choice_position[i] == p:
                return self.choice_rank[i]
        return -1

    def _held_index(self, held: list[int]) -> list[int]:
        """Where each student's place sits in its own list (-1: none)."""
        if self.held_at is not None and held == self._held_positions(self.held_at):
            return self.held_at
        if self.vectorised and not hasattr(self, "starts"):
            self._lists_from_arrays()
        cp, starts = self.choice_position, self.starts
        held_at = [-1] * self.n
        for s, p in enumerate(held):
            if p < 0:
                continue
            for i in range(starts[s], starts[s + 1]):
                if cp[i] == p:
                    held_at[s] = i
                    break
            else:
                raise _fail(
                    "assignments",
                    f"“{self.student_ids[s]}”与“{self.position_ids[p]}”不是双方都接受的配对",
                )
        return held_at

    def _held_positions(self, held_at: list[int]) -> list[int]:
        if self.vectorised:
            import numpy as np

            if not len(self.position_np):
                return [-1] * self.n
            at = np.asarray(held_at, dtype=np.int64)
            positions = np.where(at >= 0, self.position_np[np.maximum(at, 0)], -1)
            return positions.tolist()  # type: ignore[no-any-return]
        cp = self.choice_position
        return [-1 if i < 0 else cp[i] for i in held_at]

    def _over_capacity(self, count: Sequence[int]) -> None:
        for p, c in enumerate(self.capacity):
            if count[p] > c:
                raise _fail("assignments", f"岗位“{self.position_ids[p]}”超过容量")

    def _blocking_lists(self, held: list[int]) -> list[tuple[str, str]]:
        """Positions only: (s, p) blocks when s lists p before its place and p has a free seat
        or holds someone it ranks below s."""
        held_at = self._held_index(held)
        cp, cr, starts, m = self.choice_position, self.codes, self.starts, self.m
        count = [0] * m
        worst = [-1] * m
        for i in held_at:
            if i >= 0:
                p = cp[i]
                count[p] += 1
                if cr[i] > worst[p]:
                    worst[p] = cr[i]
        self._over_capacity(count)
        capacity = self.capacity
        blocking: list[tuple[str, str]] = []
        for s, at in enumerate(held_at):
            for i in range(starts[s], at if at >= 0 else starts[s + 1]):
                p = cp[i]
                if count[p] < capacity[p] or worst[p] > cr[i]:
                    blocking.append((self.student_ids[s], self.position_ids[p]))
        return blocking

    def _blocking_arrays(self, held: list[int]) -> list[tuple[str, str]]:
        """`_blocking_lists` as one array expression over every list entry."""
        import numpy as np

        at = np.asarray(self._held_index(held), dtype=np.int64)
        placed = at >= 0
        positions = self.position_np[at[placed]]
        count = np.bincount(positions, minlength=self.m)
        capacity = np.asarray(self.capacity + [0] * (self.m - len(self.capacity)), np.int64)
        over = np.flatnonzero(count > capacity)
        if len(over):
            raise _fail("assignments", f"岗位“{self.position_ids[int(over[0])]}”超过容量")
        worst = np.full(self.m, -1, dtype=np.int64)
        np.maximum.at(worst, positions, self.rank_np[at[placed]])
        limit = np.where(placed, at, self.starts_np[1:])
        entries = np.arange(len(self.position_np))
        cp, cr = self.position_np, self.rank_np
        blocks = (entries < limit[self.owner_np]) & ((count[cp] < capacity[cp]) | (worst[cp] > cr))
        found = np.flatnonzero(blocks)
        return [
            (self.student_ids[s], self.position_ids[p])
            for s, p in zip(self.owner_np[found].tolist(), cp[found].tolist(), strict=True)
        ]

    def blocking_pairs(self, held: list[int]) -> list[tuple[str, str]]:
        """Pairs that block ``held``; raises `PlacementError` if ``held`` breaks a cap."""
        if not self.constrained:
            if self.vectorised:
                return self._blocking_arrays(held)
            return self._blocking_lists(held)
        n, m = self.n, self.m
        pos_count = [0] * m
        pos_worst = [-1] * m
        ent_count = [0] * self.n_enterprises
        ent_worst = [-1] * self.n_enterprises
        group_count = [0] * len(self.group_limit)
        group_worst = [-1] * len(self.group_limit)
        for s, p in enumerate(held):
            if p < 0:
                continue
            rank = self._pair_rank(s, p)
            if rank < 0:
                raise _fail(
                    "assignments",
                    f"“{self.student_ids[s]}”与“{self.position_ids[p]}”不是双方都接受的配对",
                )
            key = rank * m + p
            pos_count[p] += 1
            pos_worst[p] = max(pos_worst[p], key)
            e = self.enterprise_of[p]
            if e >= 0:
                ent_count[e] += 1
                ent_worst[e] = max(ent_worst[e], key)
                g = self._group(s, e)
                if g >= 0:
                    group_count[g] += 1
                    group_worst[g] = max(group_worst[g], key)
        for p in range(len(self.capacity)):
            if pos_count[p] > self.capacity[p]:
                raise _fail("assignments", f"岗位“{self.position_ids[p]}”超过容量")
        for e in range(self.n_enterprises):
            if ent_count[e] > self.enterprise_capacity[e]:
                raise _fail("assignments", "企业超过容量")
        for g, limit in enumerate(self.group_limit):
            if group_count[g] > limit:
                raise _fail("assignments", "学校名额超限")
        blocking: list[tuple[str, str]] = []
        cp, cr = self.choice_position, self.choice_rank
        for s in range(n):
            current = held[s]
            current_e, current_key = -1, -1
            if current >= 0:
                current_e = self.enterprise_of[current]
                current_key = self._pair_rank(s, current) * m + current
            for i in range(self.starts[s], self.starts[s + 1]):
                p = cp[i]
                if p == current:
                    break
                key = cr[i] * m + p
                if pos_count[p] >= self.capacity[p] and pos_worst[p] < key:
                    continue
                e = self.enterprise_of[p]
                if e >= 0:
                    # The enterprise keeps one pair per student: the student's present pair there,
                    # if it comes first in master order, wins over the new one.
                    if e == current_e and current_key < key:
                        continue
                    if ent_count[e] >= self.enterprise_capacity[e] and ent_worst[e] < key:
                        continue
                    g = self._group(s, e)
                    if g >= 0 and group_count[g] >= self.group_limit[g] and group_worst[g] < key:
                        continue
                blocking.append((self.student_ids[s], self.position_ids[p]))
        return blocking


# ---------------------------------------------------------------- array helpers


def _has_repeats(owners: Any, positions: Any, lengths: Any) -> bool:
    """Whether a student lists a position twice (numpy arrays of the flattened lists)."""
    import numpy as np

    if len(positions) < 2:
        return False
    width = int(lengths.max())
    if len(lengths) * width <= 2 * len(positions):
        # Lists of similar lengths: one row each, padded with distinct negatives, sorted by row.
        table = np.broadcast_to(-1 - np.arange(width, dtype=np.int64), (len(lengths), width)).copy()
        column = np.arange(len(positions), dtype=np.int64) - np.repeat(
            np.cumsum(lengths) - lengths, lengths
        )
        table[owners, column] = positions
        table.sort(axis=1)
        return bool((table[:, 1:] == table[:, :-1]).any())
    keys = np.sort(owners * (int(positions.max()) + 1) + positions)
    return bool((keys[1:] == keys[:-1]).any())


def _intern(known: list[str], asked: list[Any]) -> Any:
    """The index in ``known`` (distinct ids) of every id in ``asked``, as a numpy array, or None
    when that cannot be done in arrays: an entry is not text (a tie, a number), an id is unknown,
    contains NUL or is long. The caller's dictionaries then do it, or name the fault.

    Dictionary look-ups of ten million fresh strings cost ~1 µs each, most of it cache misses;
    here the ids become fixed-width arrays, a hash each, an open-addressing table, and the
    candidates found are compared with the ids character by character.
    """
    import numpy as np

    if not asked:
        return np.zeros(0, dtype=np.int64)
    try:
        text = "".join(asked)
    except TypeError:
        return None
    if "\0" in text or not known:
        return None  # fixed-width arrays drop trailing NULs
    # One character wider than the longest known id: a longer id, cut there, still differs.
    width = max(map(len, known)) + 1
    if width > 32:
        return None
    # ASCII ids (the usual case) as bytes, a quarter of the memory of UTF-32; either way a
    # whole number of 64-bit words per id.
    if text.isascii() and "".join(known).isascii():
        dtype = f"S{-(-width // 8) * 8}"
    else:
        dtype = f"U{-(-width // 2) * 2}"
    del text
    keys = np.array(known, dtype=dtype)
    queries = np.array(asked, dtype=dtype)
    key_words = keys.view(np.uint64).reshape(len(keys), -1)
    query_words = queries.view(np.uint64).reshape(len(queries), -1)
    key_hash, query_hash = _hash(key_words), _hash(query_words)
    # Open addressing, linear probing, a quarter full: the slot holds the id's number and, in
    # a parallel array, its hash, so most look-ups are settled by one probe.
    bits = max(4, (4 * len(known)).bit_length())
    mask = (1 << bits) - 1
    shift = np.uint64(64 - bits)
    table: Any = np.full(mask + 1, -1, dtype=np.int32 if len(known) < 2**31 else np.int64)
    slot = (key_hash >> shift).astype(np.int64)
    pending = np.arange(len(known), dtype=np.int64)
    while len(pending):
        at = slot[pending]
        empty = table[at] < 0
        table[at[empty]] = pending[empty]
        placed = np.zeros(len(pending), dtype=bool)
        placed[empty] = table[at[empty]] == pending[empty]
        pending = pending[~placed]
        slot[pending] = (slot[pending] + 1) & mask
    slot_hash = np.zeros(mask + 1, dtype=np.uint64)
    filled = table >= 0
    slot_hash[filled] = key_hash[table[filled]]
    probe = (query_hash >> shift).astype(np.int64)
    found = table[probe].astype(np.int64)
    missed = np.flatnonzero(slot_hash[probe] != query_hash)
    while len(missed):
        if (found[missed] < 0).any():
            return None  # an empty slot before the id: unknown
        probe[missed] = (probe[missed] + 1) & mask
        at = probe[missed]
        found[missed] = table[at]
        missed = missed[slot_hash[at] != query_hash[missed]]
    if (found < 0).any():
        return None
    if not (key_words[found] == query_words).all():
        return None  # two ids with one hash: the dictionaries sort it out
    return found


def _hash(words: Any) -> Any:
    """A 64-bit hash of each row of 64-bit words (multiply, add, shift-xor; a final mix)."""
    import numpy as np

    value = np.zeros(len(words), dtype=np.uint64)
    for k in range(words.shape[1]):
        value *= np.uint64(0x9E3779B97F4A7C15)
        value += words[:, k]
        value ^= value >> np.uint64(29)
    # A last mix, so that the top bits (the table's slot) depend on the last characters too.
    value *= np.uint64(0xBF58476D1CE4E5B9)
    value ^= value >> np.uint64(31)
    return value
