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

Cost: linear in the total length of the preference lists (a heap operation per proposal).
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

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


def _parse_instance(data: Any) -> PlacementInstance:
    root = _expect_dict(data, "")
    students = []
    for i, raw in enumerate(_expect_list(_required(root, "students", "实例"), "students")):
        path = f"students[{i}]"
        item = _expect_dict(raw, path)
        choices = _expect_list(_required(item, "choices", path), f"{path}.choices")
        school = item.get("school")
        students.append(
            PlacementStudent(
                id=_expect_id(_required(item, "id", path), f"{path}.id"),
                choices=choices,
                school=None if school is None else _expect_id(school, f"{path}.school"),
            )
        )
    positions = []
    for i, raw in enumerate(_expect_list(_required(root, "positions", "实例"), "positions")):
        path = f"positions[{i}]"
        item = _expect_dict(raw, path)
        enterprise = item.get("enterprise")
        positions.append(
            PlacementPosition(
                id=_expect_id(_required(item, "id", path), f"{path}.id"),
                capacity=_expect_count(_required(item, "capacity", path), f"{path}.capacity"),
                ranking=_parse_ranking(_required(item, "ranking", path), f"{path}.ranking"),
                enterprise=None
                if enterprise is None
                else _expect_id(enterprise, f"{path}.enterprise"),
            )
        )
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


# ---------------------------------------------------------------- the solver


def _index(ids: Sequence[str], what: str, where: str) -> dict[str, int]:
    index = {value: i for i, value in enumerate(ids)}
    if len(index) != len(ids):
        seen: set[str] = set()
        for i, value in enumerate(ids):
            if value in seen:
                raise _fail(f"{where}[{i}].id", f"{what}编号“{value}”重复")
            seen.add(value)
    return index


class _Compiled:
    """The instance as integer arrays: students 0..n-1, positions 0..m-1.

    Every acceptable (student, position) pair has a *key*: rank × m + position, the enterprise's
    master order (smaller is better). A pair's *code* is key × n + student, so codes sort like
    keys and decode back to the pair; heaps hold negated codes to pop the worst pair first.
    """

    def __init__(self, instance: PlacementInstance, random_state: int) -> None:
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
        choice_keys = self._choice_pairs()
        rank_keys, ranks = self._ranking_pairs()
        self._join(choice_keys, rank_keys, ranks)
        self._constraints()

    # -- preference lists -------------------------------------------------------------

    def _choice_pairs(self) -> npt.NDArray[np.int64]:
        position_index, m = self.position_index, self.m
        students = self.instance.students
        try:
            flat = list(
                map(position_index.__getitem__, chain.from_iterable(s.choices for s in students))
            )
        except (KeyError, TypeError):
            for i, student in enumerate(students):
                for j, c in enumerate(student.choices):
                    if not isinstance(c, str) or c not in position_index:
                        raise _fail(f"students[{i}].choices[{j}]", f"岗位编号“{c}”不存在") from None
            raise
        self.choice_lengths = np.fromiter(
            (len(s.choices) for s in students), dtype=np.int64, count=len(students)
        )
        owners = np.repeat(np.arange(self.n, dtype=np.int64), self.choice_lengths)
        keys = owners * m + np.asarray(flat, dtype=np.int64)
        self._reject_duplicates(keys, "choices")
        return keys

    def _ranking_pairs(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        student_index = self.student_index
        positions = self.instance.positions
        try:
            # No ties and no unknown ids (the common case): one pass in C over every ranking.
            everyone = list(
                map(student_index.__getitem__, chain.from_iterable(p.ranking for p in positions))  # type: ignore[arg-type]
            )
        except (KeyError, TypeError):
            return self._ranking_pairs_one_by_one()
        lengths = np.fromiter((len(p.ranking) for p in positions), np.int64, len(positions))
        owners_np = np.repeat(np.arange(len(positions), dtype=np.int64), lengths)
        starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
        keys = np.asarray(everyone, dtype=np.int64) * self.m + owners_np
        self._reject_duplicates(keys, "ranking")
        return keys, np.arange(len(everyone), dtype=np.int64) - starts

    def _ranking_pairs_one_by_one(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        student_index = self.student_index
        flat: list[int] = []
        ranks: list[int] = []
        owners: list[int] = []
        tickets: list[int] | None = None
        for j, position in enumerate(self.instance.positions):
            ranking = position.ranking
            try:
                flat.extend([student_index[s] for s in ranking])  # type: ignore[index]
                ranks.extend(range(len(ranking)))
                owners.extend([j] * len(ranking))
                continue
            except (KeyError, TypeError):
                pass
            # A tie, or an unknown id: the slow path says which.
            if tickets is None:
                tickets = self._draw_lottery()
            start = len(flat)
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
                flat.extend(indices)
            ranks.extend(range(len(flat) - start))
            owners.extend([j] * (len(flat) - start))
        keys = np.asarray(flat, dtype=np.int64) * self.m + np.asarray(owners, dtype=np.int64)
        self._reject_duplicates(keys, "ranking")
        return keys, np.asarray(ranks, dtype=np.int64)

    def _draw_lottery(self) -> list[int]:
        # Drawn over the sorted ids, so the numbers do not depend on the order of the input.
        order = sorted(range(self.n), key=self.student_ids.__getitem__)
        random.Random(self.random_state).shuffle(order)
        tickets = [0] * self.n
        for ticket, s in enumerate(order):
            tickets[s] = ticket
        return tickets

    def _reject_duplicates(self, keys: npt.NDArray[np.int64], kind: str) -> None:
        if len(keys) < 2:
            return
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        same = np.flatnonzero(ordered[1:] == ordered[:-1])
        if len(same) == 0:
            return
        key = int(ordered[same[0]])
        s, p = divmod(key, self.m)
        if kind == "choices":
            i = s
            raise _fail(
                f"students[{i}].choices",
                f"岗位编号“{self.position_ids[p]}”重复出现",
            )
        raise _fail(f"positions[{p}].ranking", f"学生编号“{self.student_ids[s]}”重复出现")

    def _join(
        self,
        choice_keys: npt.NDArray[np.int64],
        rank_keys: npt.NDArray[np.int64],
        ranks: npt.NDArray[np.int64],
    ) -> None:
        """Keep, per student and in its order, the mutually acceptable pairs with their rank."""
        order = np.argsort(rank_keys)
        sorted_keys, sorted_ranks = rank_keys[order], ranks[order]
        if len(sorted_keys):
            at = np.minimum(np.searchsorted(sorted_keys, choice_keys), len(sorted_keys) - 1)
            found = sorted_keys[at] == choice_keys
        else:
            at = np.zeros(len(choice_keys), dtype=np.int64)
            found = np.zeros(len(choice_keys), dtype=bool)
        choice_positions = choice_keys % self.m
        capacity = np.asarray(self.capacity + [0], dtype=np.int64)
        found &= capacity[choice_positions] > 0
        owners = np.repeat(np.arange(self.n, dtype=np.int64), self.choice_lengths)
        kept = np.bincount(owners[found], minlength=self.n) if self.n else np.zeros(0, np.int64)
        starts = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(kept, out=starts[1:])
        self.starts_np = starts
        self.position_np = choice_positions[found]
        self.rank_np = sorted_ranks[at[found]]
        self.owner_np = owners[found]
        self.starts: list[int] = starts.tolist()
        self.choice_position: list[int] = choice_positions[found].tolist()
        self.choice_rank: list[int] = sorted_ranks[at[found]].tolist()

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
        return self._solve_simple()

    def _solve_simple(self) -> list[int]:
        n, cp, cap = self.n, self.choice_position, self.capacity
        # A pair's code at its position: rank × n + student (one comparison orders two pairs).
        codes: list[int] = (self.rank_np * n + self.owner_np).tolist()
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
        assignments: dict[str, str] = {}
        unassigned: list[str] = []
        filled = [0] * self.m
        for s, p in enumerate(held):
            if p >= 0:
                assignments[self.student_ids[s]] = self.position_ids[p]
                filled[p] += 1
            else:
                unassigned.append(self.student_ids[s])
        unfilled = {
            pid: self.capacity[j] - filled[j]
            for j, pid in enumerate(self.position_ids)
            if self.capacity[j] > filled[j]
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
        cp = self.choice_position
        held_at = [-1] * self.n
        for s, p in enumerate(held):
            if p < 0:
                continue
            for i in range(self.starts[s], self.starts[s + 1]):
                if cp[i] == p:
                    held_at[s] = i
                    break
            else:
                raise _fail(
                    "assignments",
                    f"“{self.student_ids[s]}”与“{self.position_ids[p]}”不是双方都接受的配对",
                )
        return held_at

    def _blocking_vectorised(self, held: list[int]) -> list[tuple[str, str]]:
        """Positions only: (s, p) blocks when s lists p before its place and p has a free seat
        or holds someone it ranks below s — one array expression over every list entry."""
        held_at = getattr(self, "held_at", None)
        if held_at is None or [-1 if i < 0 else self.choice_position[i] for i in held_at] != held:
            held_at = self._held_index(held)
        at = np.asarray(held_at, dtype=np.int64)
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
            return self._blocking_vectorised(held)
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
