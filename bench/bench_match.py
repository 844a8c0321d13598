"""The matcher's speed: top-20 recommendations over 200 000 open positions, incremental index
updates, and the alignment of every catalogue major against every priority industry.

Run: ``python -m bench.bench_match [--positions 200000] [--queries 400]``

Baselines measured in the same process: for recommendations, the floor of any top-k over the
same rows (one sparse matrix–vector product over the positions' majors and an ``argpartition``);
for updates, a full rebuild of the index; for alignment, the three score matrices alone (no result
objects). Figures are wall times on this machine; the ratios are what to compare between runs.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import best_of  # noqa: E402
from matching.alignment import DemandEvidence, ProgrammeAligner  # noqa: E402
from matching.recommend import PositionIndex, PositionRecord, StudentProfile  # noqa: E402
from matching.resolve import MajorRecord  # noqa: E402
from tests.matching.evaluation import catalogue  # noqa: E402

WORDS = (
    "负责 设备 操作 维护 保养 质量 检验 数据 分析 客户 服务 护理 康复 养老 软件 开发 测试 "
    "运维 网络 安全 电气 安装 调试 数控 加工 编程 焊接 装配 物流 仓储 配送 电商 运营 直播 "
    "财务 会计 出纳 审计 营销 销售 导游 酒店 前台 烹饪 面点 幼儿 保育 教学 辅导 驾驶 检测 "
    "维修 汽车 新能源 电池 光伏 储能 化工 制药 生产 工艺 实验 检验 仪器 环境 监测 建筑 施工"
).split()
SKILLS = [f"{a}{b}" for a in WORDS[:30] for b in WORDS[30:40]]
REGIONS = [f"5001{d:02d}" for d in range(1, 20)] + ["500230", "510104", "440106", "330106"]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def positions(majors: list[MajorRecord], n: int, seed: int = 12) -> list[PositionRecord]:
    rng = random.Random(seed)
    classes = sorted({m.class_code for m in majors})
    out = []
    for i in range(n):
        roll = rng.random()
        asked = () if roll < 0.1 else tuple(m.code for m in rng.sample(majors, rng.randint(1, 2)))
        by_class = (rng.choice(classes),) if roll > 0.95 else ()
        out.append(
            PositionRecord(
                id=f"p{i}",
                title="".join(rng.sample(WORDS, 2)) + "岗位",
                enterprise=f"企业{i % 5000}",
                kind=rng.choice(("job", "internship", "apprenticeship")),
                region_code=rng.choice(REGIONS),
                major_codes=asked,
                class_codes=by_class,
                skills=tuple(rng.sample(SKILLS, rng.randint(2, 4))),
                description="，".join(
                    "".join(rng.sample(WORDS, 3)) for _ in range(rng.randint(6, 12))
                ),
                monthly_pay=float(rng.randrange(3000, 12000, 100)),
                closing_date=date(2027, rng.randint(1, 12), 1),
                priority_industries=("护理",) if rng.random() < 0.2 else (),
            )
        )
    return out


def bench_recommend(n: int, queries: int) -> None:
    majors_full, _ = catalogue()
    majors = [MajorRecord(m.code, m.name, m.level, m.class_code) for m in majors_full]
    records = positions(majors, n)
    rss = _rss_mb()
    start = time.perf_counter()
    index = PositionIndex().fit(majors, records)
    index.merge()
    build = time.perf_counter() - start
    rss_after = _rss_mb()
    rng = random.Random(5)
    students = [
        StudentProfile(
            major_code=rng.choice(majors).code,
            skills=tuple(rng.sample(SKILLS, 4)),
            certificates=("护士执业资格证",),
            preferred_regions=(rng.choice(["500100", "500000", ""]),) if rng.random() < 0.7 else (),
        )
        for _ in range(queries)
    ]
    today = date(2026, 11, 23)
    index.recommend(students[0], k=20, today=today)  # warm caches
    times, cpu = [], []
    for student in students:
        t, c = time.perf_counter(), time.process_time()
        index.recommend(student, k=20, today=today, major_terms=("护士", "康复治疗师"))
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    p50, p95, p99 = (float(np.percentile(times, q)) * 1000 for q in (50, 95, 99))
    c50, c95 = (float(np.percentile(cpu, q)) * 1000 for q in (50, 95))

    # Baseline: the least any top-k over these rows costs — one sparse product and a partition.
    rows = index._majors.main
    vector = np.zeros(rows.shape[1])
    vector[: rows.shape[1] // 3] = 1.0

    def floor() -> None:
        scores = rows @ vector
        np.argpartition(-scores, 20)[:20]

    base = best_of(20, floor) * 1000
    print(
        f"positions: {n}; build {build:.1f} s; "
        f"index matrices {index.memory_bytes() / 2**20:.0f} MiB; "
        f"process RSS {rss:.0f} → {rss_after:.0f} MiB (records included)"
    )
    print(
        f"top-20 per student over {queries} students: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"p99 {p99:.1f} ms; floor (one sparse product + argpartition) {base:.2f} ms "
        f"→ p95 = {p95 / base:.1f}× the floor"
    )
    print(
        f"  CPU time per query p50 {c50:.1f} ms, p95 {c95:.1f} ms (load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores while measuring)"
    )

    # Incremental updates against a full rebuild.
    changed = positions(majors, 1000, seed=99)
    changed = [PositionRecord(**{**c.__dict__, "id": f"p{i * 37}"}) for i, c in enumerate(changed)]
    t = time.perf_counter()
    for record in changed:
        index.add(record)
    for i in range(1000):
        index.remove(f"p{i * 41 + 1}")
    per_update = (time.perf_counter() - t) / 2000 * 1e6
    t = time.perf_counter()
    index.recommend(students[1], k=20, today=today)
    after = (time.perf_counter() - t) * 1000
    print(
        f"1 000 replaced + 1 000 removed positions: {per_update:.0f} µs per change "
        f"(amortised merges included) = {per_update / 1e6 / build:.6f}× a full rebuild; "
        f"next query {after:.1f} ms"
    )


def bench_alignment() -> None:
    majors, industries = catalogue()
    start = time.perf_counter()
    aligner = ProgrammeAligner().fit(majors, industries)
    fit = time.perf_counter() - start
    rng = random.Random(3)
    gb = [c for i in industries for c in i.industry_codes]
    totals = {code + "1": float(rng.randint(10, 500)) for code in gb}
    asked = {
        (code, rng.choice(majors).code): float(rng.randint(1, 10))
        for code in totals
        for _ in range(20)
    }
    evidence = DemandEvidence(totals, asked)
    codes = [m.code for m in majors]
    cpu_start = time.process_time()
    call = best_of(3, lambda: aligner.align_many(codes, evidence, ["500000"]))
    cpu = (time.process_time() - cpu_start) / 3
    matrices = best_of(3, lambda: aligner.score_matrix(evidence))
    print(
        f"alignment: {len(codes)} majors × {len(industries)} priority industries in one call "
        f"{call:.2f} s (with demand evidence of {len(totals)} GB/T 4754 codes); the score "
        f"matrices alone {matrices * 1000:.0f} ms ({call / matrices:.0f}×); fit once {fit:.2f} s; "
        f"CPU time per call {cpu:.2f} s (load average {os.getloadavg()[0]:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--positions", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    bench_alignment()
    bench_recommend(args.positions, args.queries)


if __name__ == "__main__":
    main()
