"""Deferred acceptance: exact small rounds, input errors, and the stability statements of the
module docstring proved on generated instances (hypothesis) against a literal re-implementation of
the definition, brute force over every assignment, and the `matching` package."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.hr_oracle import hospital_resident
from matching.placement import (
    DeferredAcceptance,
    PlacementError,
    PlacementInstance,
    PlacementPosition,
    PlacementStudent,
    SchoolQuota,
    _Compiled,
    find_blocking_pairs,
    solve_placement,
)

S = PlacementStudent
P = PlacementPosition


def instance(
    students: Sequence[PlacementStudent],
    positions: Sequence[PlacementPosition],
    capacities: Mapping[str, int] | None = None,
    quotas: Sequence[SchoolQuota] = (),
) -> PlacementInstance:
    return PlacementInstance(list(students), list(positions), dict(capacities or {}), quotas)


# ---------------------------------------------------------------- the definition, literally


def literal_blocking_pairs(
    inst: PlacementInstance, assignment: Mapping[str, str]
) -> set[tuple[str, str]]:
    """The module's definition run as written: offer the enterprise its pairs plus (s, p) and see
    whether its greedy choice in master order keeps (s, p). Instances without ties only."""
    positions = {p.id: (j, p) for j, p in enumerate(inst.positions)}
    school = {s.id: s.school for s in inst.students}
    quota = {(q.school, q.enterprise): q.limit for q in inst.school_quotas}
    constrained = set(inst.enterprise_capacities) | {q.enterprise for q in inst.school_quotas}

    def unit(pid: str) -> tuple[str, str]:
        ent = positions[pid][1].enterprise
        return ("e", ent) if ent is not None and ent in constrained else ("p", pid)

    def key(sid: str, pid: str) -> tuple[int, int]:
        j, pos = positions[pid]
        return (list(pos.ranking).index(sid), j)

    def keeps(offered: list[tuple[str, str]], pair: tuple[str, str]) -> bool:
        kept: list[tuple[str, str]] = []
        for sid, pid in sorted(offered, key=lambda x: key(*x)):
            ent = positions[pid][1].enterprise
            at_pos = sum(1 for _, q in kept if q == pid)
            at_ent = len(kept)
            mates = sum(1 for t, _ in kept if school[t] == school[sid])
            if any(t == sid for t, _ in kept):
                continue
            if at_pos >= positions[pid][1].capacity:
                continue
            if unit(pid)[0] == "e":
                if at_ent >= inst.enterprise_capacities.get(ent or "", 10**9):
                    continue
                if mates >= quota.get((school[sid] or "", ent or ""), 10**9):
                    continue
            kept.append((sid, pid))
        return pair in kept

    blocking = set()
    for student in inst.students:
        for pid in student.choices:
            if pid == assignment.get(student.id):
                break
            pos = positions[pid][1]
            if student.id not in pos.ranking or pos.capacity == 0:
                continue
            offered = [(t, q) for t, q in assignment.items() if unit(q) == unit(pid)]
            if keeps([*offered, (student.id, pid)], (student.id, pid)):
                blocking.add((student.id, pid))
    return blocking


def feasible(inst: PlacementInstance, assignment: Mapping[str, str]) -> bool:
    try:
        find_blocking_pairs(inst, assignment)
    except PlacementError:
        return False
    return True


def stable_assignments(inst: PlacementInstance) -> list[dict[str, str]]:
    """Every feasible assignment with no blocking pair (brute force; tiny instances only)."""
    positions = {p.id: p for p in inst.positions}
    options = [
        [None, *[c for c in s.choices if s.id in positions[c].ranking]] for s in inst.students
    ]
    found = []
    for combo in itertools.product(*options):
        assignment = {s.id: c for s, c in zip(inst.students, combo, strict=True) if c}
        if feasible(inst, assignment) and not find_blocking_pairs(inst, assignment):
            found.append(assignment)
    return found


# ---------------------------------------------------------------- exact rounds


def test_classic_round() -> None:
    inst = instance(
        [S("a", ["x", "y"]), S("b", ["x"]), S("c", ["x", "y"]), S("d", ["y", "x"])],
        [P("x", 1, ["b", "a", "c", "d"]), P("y", 2, ["d", "a", "c"])],
    )
    result = solve_placement(inst)
    assert result.to_dict() == {
        "assignments": [
            {"student": "a", "position": "y"},
            {"student": "b", "position": "x"},
            {"student": "d", "position": "y"},
        ],
        "unassigned": ["c"],
        "unfilled": {},
        "blocking_pairs": [],
        "seed": 0,
        "lottery": {},
    }


def test_a_pair_needs_both_sides() -> None:
    # a lists x, but x does not rank a; b is ranked by y but does not list it.
    inst = instance([S("a", ["x"]), S("b", ["x"])], [P("x", 2, ["b"]), P("y", 1, ["b"])])
    result = solve_placement(inst)
    assert result.assignments == {"b": "x"}
    assert result.unassigned == ["a"]
    assert result.unfilled == {"x": 1, "y": 1}


def test_capacity_zero_and_empty_lists() -> None:
    inst = instance([S("a", []), S("b", ["z", "x"])], [P("z", 0, ["b"]), P("x", 1, [])])
    result = solve_placement(inst)
    assert result.assignments == {}
    assert result.unassigned == ["a", "b"]
    assert result.unfilled == {"x": 1}
    assert solve_placement(instance([], [])).to_dict()["assignments"] == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"students": []}, "实例.positions：必填项缺失"),
        ({"students": {}, "positions": []}, "students：应为列表"),
        (
            {"students": [{"id": "a", "choices": ["x"]}], "positions": []},
            "students[0].choices[0]：岗位编号“x”不存在",
        ),
        (
            {
                "students": [{"id": "a", "choices": []}],
                "positions": [{"id": "x", "capacity": 1, "ranking": ["a", "q"]}],
            },
            "positions[0].ranking[1]：学生编号“q”不存在",
        ),
        (
            {"students": [{"id": "a", "choices": []}, {"id": "a", "choices": []}], "positions": []},
            "students[1].id：学生编号“a”重复",
        ),
        (
            {
                "students": [{"id": "a", "choices": ["x", "x"]}],
                "positions": [{"id": "x", "capacity": 1, "ranking": []}],
            },
            "students[0].choices：岗位编号“x”重复出现",
        ),
        (
            {
                "students": [{"id": "a", "choices": []}],
                "positions": [{"id": "x", "capacity": 1, "ranking": ["a", ["a"]]}],
            },
            "positions[0].ranking：学生编号“a”重复出现",
        ),
        (
            {"students": [], "positions": [{"id": "x", "capacity": -1, "ranking": []}]},
            "positions[0].capacity：不能为负数",
        ),
        (
            {"students": [], "positions": [{"id": "x", "capacity": "2", "ranking": []}]},
            "positions[0].capacity：应为整数",
        ),
        (
            {"students": [{"id": 7, "choices": []}], "positions": []},
            "students[0].id：编号应为非空文本",
        ),
        (
            {
                "students": [],
                "positions": [{"id": "x", "capacity": 1, "ranking": []}],
                "enterprises": [{"id": "E", "capacity": 1}],
            },
            "enterprises：企业编号“E”没有岗位",
        ),
        ([], "应为对象"),
        (
            {"students": [{"id": "a", "choices": [3]}], "positions": []},
            "students[0].choices[0]：岗位编号“3”不存在",
        ),
        (
            {
                "students": [{"id": "a", "choices": []}],
                "positions": [{"id": "x", "capacity": 1, "ranking": [["a", 5]]}],
            },
            "positions[0].ranking[0][1]：学生编号“5”不存在",
        ),
        (
            {
                "students": [{"id": "a", "choices": []}],
                "positions": [{"id": "x", "capacity": 1, "ranking": [None]}],
            },
            "positions[0].ranking[0]：学生编号“None”不存在",
        ),
    ],
)
def test_bad_instances_name_what_is_wrong(data: object, message: str) -> None:
    with pytest.raises(PlacementError) as caught:
        solve_placement(PlacementInstance.from_dict(data))
    assert str(caught.value) == message


def test_ties_are_broken_by_a_recorded_seeded_lottery() -> None:
    data = {
        "students": [{"id": sid, "choices": ["x"]} for sid in ("a", "b", "c", "d")],
        "positions": [{"id": "x", "capacity": 1, "ranking": ["d", ["a", "b", "c"]]}],
    }
    inst = PlacementInstance.from_dict(data)
    # d is ranked alone at the top: it wins whatever the draw.
    assert solve_placement(inst, random_state=1).assignments == {"d": "x"}
    data["positions"][0]["ranking"] = [["a", "b", "c"], "d"]  # type: ignore[index]
    inst = PlacementInstance.from_dict(data)
    first = solve_placement(inst, random_state=1)
    assert first.to_dict() == solve_placement(inst, random_state=1).to_dict()
    assert first.lottery == {"a": 1, "c": 2, "b": 3}
    assert first.assignments == {"a": "x"}
    other = solve_placement(inst, random_state=2)
    assert other.lottery == {"b": 0, "c": 1, "a": 3}
    assert other.assignments == {"b": "x"}
    # The numbers do not depend on the order the students are listed in.
    data["students"].reverse()  # type: ignore[attr-defined]
    assert solve_placement(PlacementInstance.from_dict(data), 1).lottery == first.lottery


def test_enterprise_capacity_across_positions() -> None:
    # E has 3 places over x and y but takes 2 in all; its master order: ranks first, then x
    # before y, so b (1st at y) comes after a (1st at x) and before c (2nd at x).
    inst = instance(
        [S("a", ["x"]), S("b", ["y"]), S("c", ["x", "y"]), S("d", ["y"])],
        [P("x", 2, ["a", "c"], "E"), P("y", 1, ["b", "c", "d"], "E")],
        {"E": 2},
    )
    result = solve_placement(inst)
    assert result.assignments == {"a": "x", "b": "y"}
    assert result.unassigned == ["c", "d"]
    assert result.unfilled == {"x": 1}
    assert result.blocking_pairs == []
    assert literal_blocking_pairs(inst, result.assignments) == set()
    # With the cap lifted, c takes x's second place.
    assert solve_placement(instance(inst.students, inst.positions)).assignments == {
        "a": "x",
        "b": "y",
        "c": "x",
    }


def test_school_quota_at_a_one_position_enterprise() -> None:
    inst = instance(
        [S("a", ["x"], "S1"), S("b", ["x"], "S1"), S("c", ["x"], "S2")],
        [P("x", 3, ["a", "b", "c"], "E")],
        quotas=[SchoolQuota("S1", "E", 1)],
    )
    result = solve_placement(inst)
    assert result.assignments == {"a": "x", "c": "x"}
    assert result.unfilled == {"x": 1}
    assert result.blocking_pairs == []
    # b envies nobody it could replace: its schoolmate a comes first.
    assert stable_assignments(inst) == [{"a": "x", "c": "x"}]


def test_with_enterprise_caps_no_student_optimal_assignment_need_exist() -> None:
    inst = instance(
        [S("s0", ["p0"]), S("s1", ["p0", "p1"]), S("s2", ["p1"])],
        [P("p0", 1, ["s2", "s1", "s0"], "E"), P("p1", 2, ["s1", "s2", "s0"], "E")],
        {"E": 3},
    )
    stable = stable_assignments(inst)
    assert stable == [{"s1": "p0", "s2": "p1"}, {"s0": "p0", "s1": "p1", "s2": "p1"}]
    # s1 is better off in the first, s0 in the second: neither is best for every student.
    assert solve_placement(inst).assignments == {"s1": "p0", "s2": "p1"}


def test_crossing_school_quota_blocking_pair_is_reported() -> None:
    # s2 (school A) displaces schoolmate s1 by the quota after s1 had displaced s0 at p1; the
    # seat s0 lost is free again at the end, and s0 blocks.
    inst = instance(
        [S("s0", ["p1"], "B"), S("s1", ["p1"], "A"), S("s2", ["p1", "p0"], "A")],
        [P("p0", 2, ["s2"], "E"), P("p1", 1, ["s1", "s0"], "E")],
        quotas=[SchoolQuota("A", "E", 1), SchoolQuota("B", "E", 1)],
    )
    result = solve_placement(inst)
    assert result.assignments == {"s2": "p0"}
    assert result.blocking_pairs == [("s0", "p1")]
    assert literal_blocking_pairs(inst, result.assignments) == {("s0", "p1")}
    assert stable_assignments(inst) == [{"s0": "p1", "s2": "p0"}]


def test_verifier_rejects_infeasible_assignments() -> None:
    inst = instance([S("a", ["x"]), S("b", ["x"])], [P("x", 1, ["a", "b"])])
    with pytest.raises(PlacementError, match="超过容量"):
        find_blocking_pairs(inst, {"a": "x", "b": "x"})
    with pytest.raises(PlacementError, match="不存在"):
        find_blocking_pairs(inst, {"a": "nowhere"})
    assert find_blocking_pairs(inst, {"b": "x"}) == [("a", "x")]


def test_estimator_contract() -> None:
    model = DeferredAcceptance(random_state=3)
    assert model.random_state == 3
    assert not hasattr(model, "result_")
    inst = instance([S("a", ["x"])], [P("x", 1, ["a"])])
    assert model.fit(inst) is model
    assert model.result_.assignments == {"a": "x"}


# ---------------------------------------------------------------- generated instances


@st.composite
def instances(
    draw: st.DrawFn, *, max_students: int = 8, caps: bool = False, quotas: str = "none"
) -> PlacementInstance:
    n = draw(st.integers(0, max_students))
    m = draw(st.integers(1, 5))
    students_ids = [f"s{i}" for i in range(n)]
    position_ids = [f"p{j}" for j in range(m)]
    enterprises = [draw(st.sampled_from(["E", "F", "G"])) for _ in range(m)]
    if quotas == "nested":
        enterprises = [f"E{j}" for j in range(m)]  # one position each: quotas nest
    students = [
        S(
            sid,
            draw(st.permutations(position_ids))[: draw(st.integers(0, m))],
            draw(st.sampled_from(["A", "B"])),
        )
        for sid in students_ids
    ]
    positions = [
        P(
            pid,
            draw(st.integers(0, 3)),
            draw(st.permutations(students_ids))[: draw(st.integers(0, n))],
            enterprises[j],
        )
        for j, pid in enumerate(position_ids)
    ]
    ents = sorted(set(enterprises))
    capacities = {e: draw(st.integers(0, 4)) for e in ents if caps and draw(st.booleans())}
    schools = sorted({s.school for s in students if s.school})
    school_quotas = [
        SchoolQuota(school, e, draw(st.integers(0, 2)))
        for school in schools
        for e in ents
        if quotas != "none" and draw(st.booleans())
    ]
    return instance(students, positions, capacities, school_quotas)


FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _prefs(
    inst: PlacementInstance,
) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, int]]:
    return (
        {s.id: list(s.choices) for s in inst.students},
        {p.id: [str(x) for x in p.ranking] for p in inst.positions},
        {p.id: p.capacity for p in inst.positions},
    )


@FAST
@given(instances())
def test_positions_only_stable_and_equal_to_the_matching_package(inst: PlacementInstance) -> None:
    result = solve_placement(inst)
    assert feasible(inst, result.assignments)
    assert result.blocking_pairs == []
    assert literal_blocking_pairs(inst, result.assignments) == set()
    assert result.assignments == hospital_resident(*_prefs(inst))
    assert set(result.assignments) | set(result.unassigned) == {s.id for s in inst.students}


@FAST
@given(instances(max_students=5))
def test_positions_only_student_optimal_by_brute_force(inst: PlacementInstance) -> None:
    result = solve_placement(inst)
    stable = stable_assignments(inst)
    assert result.assignments in stable
    order = {s.id: {p: i for i, p in enumerate(s.choices)} for s in inst.students}
    for other in stable:
        for sid, choices in order.items():
            mine = choices.get(result.assignments.get(sid, ""), len(choices))
            assert mine <= choices.get(other.get(sid, ""), len(choices))


@FAST
@given(instances(caps=True, quotas="nested"))
def test_enterprise_caps_and_nested_quotas_always_stable(inst: PlacementInstance) -> None:
    result = solve_placement(inst)
    assert feasible(inst, result.assignments)
    assert result.blocking_pairs == []
    assert literal_blocking_pairs(inst, result.assignments) == set()


@FAST
@given(instances(max_students=5, caps=True, quotas="nested"))
def test_enterprise_caps_result_is_one_of_the_stable_assignments(inst: PlacementInstance) -> None:
    assert solve_placement(inst).assignments in stable_assignments(inst)


@FAST
@given(instances(caps=True, quotas="crossing"))
def test_crossing_quotas_feasible_and_blocking_pairs_exact(inst: PlacementInstance) -> None:
    result = solve_placement(inst)
    assert feasible(inst, result.assignments)
    assert set(result.blocking_pairs) == literal_blocking_pairs(inst, result.assignments)


@FAST
@given(instances())
def test_constrained_solver_equals_simple_solver_without_constraints(
    inst: PlacementInstance,
) -> None:
    compiled = _Compiled(inst, 0)
    assert compiled._solve_constrained() == compiled._solve_simple()


@FAST
@given(instances(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_the_order_of_the_input(inst: PlacementInstance, rnd) -> None:
    students, positions = list(inst.students), list(inst.positions)
    rnd.shuffle(students)
    rnd.shuffle(positions)
    shuffled = solve_placement(instance(students, positions)).assignments
    assert shuffled == solve_placement(inst).assignments


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_students=4))
def test_positions_only_no_student_gains_by_misreporting(inst: PlacementInstance) -> None:
    truthful = solve_placement(inst).assignments
    positions = [p.id for p in inst.positions[:3]]
    lists = [
        list(order)
        for size in range(len(positions) + 1)
        for order in itertools.permutations(positions, size)
    ]
    for index, student in enumerate(inst.students):
        true_rank = {p: i for i, p in enumerate(student.choices)}
        worst = len(student.choices)
        honest = true_rank.get(truthful.get(student.id, ""), worst)
        for other in lists:
            students = list(inst.students)
            students[index] = S(student.id, other, student.school)
            lied = solve_placement(instance(students, inst.positions)).assignments
            assert honest <= true_rank.get(lied.get(student.id, ""), worst)


# ---------------------------------------------------------------- lists and arrays agree


@FAST
@given(st.one_of(instances(), instances(caps=True, quotas="crossing")))
def test_array_compilation_and_rounds_give_the_list_result(inst: PlacementInstance) -> None:
    # Large instances are compiled to numpy arrays and (without caps or quotas) solved in
    # vectorised rounds; here the same small instances go both ways.
    lists = _Compiled(inst, 0, vectorise=False)
    arrays = _Compiled(inst, 0, vectorise=True)
    assert (arrays.vectorised, lists.vectorised) == (True, False)
    assert arrays.result(arrays.solve()) == lists.result(lists.solve())


def test_array_path_breaks_ties_by_the_same_lottery() -> None:
    data = {
        "students": [{"id": sid, "choices": ["x", "y"]} for sid in ("a", "b", "c", "d")],
        "positions": [
            {"id": "x", "capacity": 1, "ranking": [["a", "b", "c"], "d"]},
            {"id": "y", "capacity": 2, "ranking": ["d", ["c", "b"]]},
        ],
    }
    inst = PlacementInstance.from_dict(data)
    for seed in (1, 2, 3):
        lists = _Compiled(inst, seed, vectorise=False)
        arrays = _Compiled(inst, seed, vectorise=True)
        assert arrays.result(arrays.solve()) == lists.result(lists.solve())
    assert solve_placement(inst, 1).lottery == {"a": 1, "c": 2, "b": 3}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "students": [{"id": "a", "choices": ["x"]}, {"id": "b", "choices": ["y"]}],
                "positions": [{"id": "x", "capacity": 1, "ranking": []}],
            },
            "students[1].choices[0]：岗位编号“y”不存在",
        ),
        (
            {
                "students": [{"id": "a", "choices": ["x", "x"]}],
                "positions": [{"id": "x", "capacity": 1, "ranking": []}],
            },
            "students[0].choices：岗位编号“x”重复出现",
        ),
        (
            {
                "students": [{"id": "a", "choices": []}, {"id": "b", "choices": []}],
                "positions": [
                    {"id": "x", "capacity": 1, "ranking": ["b", "a"]},
                    {"id": "y", "capacity": 1, "ranking": ["b", "a", "b"]},
                ],
            },
            "positions[1].ranking：学生编号“b”重复出现",
        ),
        (
            {
                "students": [{"id": "a", "choices": []}],
                "positions": [{"id": "x", "capacity": 1, "ranking": ["a", "a\x00"]}],
            },
            "positions[0].ranking[1]：学生编号“a\x00”不存在",
        ),
        (
            {
                "students": [{"id": "a", "choices": []}],
                "positions": [{"id": "x", "capacity": 1, "ranking": ["ab"]}],
            },
            "positions[0].ranking[0]：学生编号“ab”不存在",
        ),
    ],
)
@pytest.mark.parametrize("vectorise", [False, True])
def test_both_compilations_name_the_same_fault(data: object, message: str, vectorise: bool) -> None:
    with pytest.raises(PlacementError) as caught:
        _Compiled(PlacementInstance.from_dict(data), 0, vectorise=vectorise)
    assert str(caught.value) == message
