"""The demo city as rows of the import format: pure, deterministic, no database.

:func:`generate_city` returns every organisation, programme, cohort, position, demand forecast and
student of the city as rows with the column names of the bulk import (``chanjiao import KIND``), so
that loading the demo runs the same validation as a spreadsheet upload. Randomness comes only from
``random.Random`` instances seeded with ``seed`` and a component name (string seeds are hashed with
SHA-512 by ``random``, independent of ``PYTHONHASHSEED``); nothing reads the clock — "today" is a
parameter (``chanjiao seed demo`` passes the seeding day in China), so the same seed on the same day
gives the same city, and a city seeded today never has open positions past their closing date.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import itertools
import json
import math
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import ClassVar

from models.validators import USCC_ALPHABET, uscc_check_character
from seed.demo.plan import (
    DESTINATION_JITTER,
    DESTINATION_TARGETS,
    ENROLMENT_GROWTH,
    KEEP_DESTINATION_RANGE,
    KEEP_RATIO_RANGE,
    MIN_SITES,
    OUTLOOK_YEAR,
    PORTFOLIO,
    RATIO_TARGETS,
    YEARS,
    MajorPlan,
    PlantedRole,
)
from seed.demo.vocabulary import (
    APPRENTICE_TERMS,
    BACHELOR_THEMES,
    BENEFITS,
    BRANDS,
    HIGHER_THEMES,
    REQUIREMENTS,
    SECONDARY_THEMES,
    SECTORS,
    STUDENT_TERMS,
    Sector,
)

REFERENCE_DAY = date(2026, 11, 23)
"""The day the demo's figures were planned on (report year 2026) and the default "today" of
:func:`generate_city` for callers without a clock. History ends three days before it; open
positions close 8–97 days after "today" (the seeding day, when later)."""
OPEN_CLOSING_DAYS = (8, 97)
DEFAULT_SEED = 2026
CITY_REGION = "500000"
DATA_DIR = Path(__file__).resolve().parents[1] / "data"

SECONDARY, HIGHER, BACHELOR = "中职", "高职专科", "职教本科"
# Schools of each level at scale 1 (Chongqing has many more 中职; the demo keeps the mix small).
SCHOOLS_AT_SCALE_1 = {SECONDARY: 16, HIGHER: 20, BACHELOR: 4}
ENTERPRISES_AT_SCALE_1 = 400
POSITIONS_AT_SCALE_1 = 3000
OPEN_POSITIONS_AT_SCALE_1 = 300
STUDENTS_AT_SCALE_1 = 2000
# Years from enrolment to graduation.
DURATION = {SECONDARY: 3, HIGHER: 3, BACHELOR: 4}
# Students enrolled per programme and year.
INTAKE = {SECONDARY: (35, 70), HIGHER: (50, 150), BACHELOR: (40, 90)}
STARTING_SALARY = {SECONDARY: (3600, 4600), HIGHER: (4300, 6000), BACHELOR: (5000, 6800)}
# Where schools sit: 大学城 (沙坪坝), 永川职教城, 江津, 渝北 …; 中职 in every district.
SCHOOL_DISTRICTS = {
    HIGHER: (
        "500106",
        "500106",
        "500118",
        "500118",
        "500116",
        "500112",
        "500113",
        "500109",
        "500101",
        "500102",
        "500117",
        "500120",
    ),
    BACHELOR: ("500106", "500118", "500112"),
}
# Positions' share of each major's planned demand: the rest is published as forecasts.
POSITION_SHARE = 0.5
KINDS = ("job", "internship", "apprenticeship")
KIND_WEIGHTS = (50, 35, 15)
HEADCOUNTS = {"job": (1, 6), "internship": (2, 8), "apprenticeship": (2, 6)}
# The kinds whose headcount is hiring demand; internships are training places (the mismatch report
# counts them apart as internship_places), so they are not sized against a major's demand target.
DEMAND_KINDS = frozenset({"job", "apprenticeship"})
HISTORY_YEAR_WEIGHTS = (17, 19, 21, 22, 21)
# 实践性教学课时占比 of the programmes (uniform); below 0.5 is flagged, about one in six.
PRACTICAL_SHARE_RANGE = (0.45, 0.75)
# Programmes with enterprise partners: a share of them, capped so a province-sized city stays
# quick to load (each partner list goes through the programmes operations).
PARTNER_SHARE = 0.3
MAX_PARTNERED_PROGRAMMES = 80
PARTNER_KINDS = ("cooperation", "order_training", "apprenticeship")
PARTNER_KIND_WEIGHTS = (60, 25, 15)  # positions started in 2022 … 2026
# Postings per year relative to the sector's weight: printing collapses, textiles and building
# materials shrink, the city's growth sectors grow (2022 … 2026, then the open positions).
SECTOR_TRENDS: dict[str, tuple[float, ...]] = {
    "printing": (1.0, 1.0, 0.6, 0.35, 0.08, 0.05),
    "textile": (1.0, 1.0, 0.9, 0.75, 0.6, 0.55),
    "building_materials": (1.0, 1.0, 0.85, 0.7, 0.6, 0.55),
    "accounting": (1.0, 0.9, 0.8, 0.7, 0.6, 0.6),
    "electronics": (1.0, 1.05, 1.1, 1.15, 1.2, 1.25),
    "elderly_care": (1.0, 1.1, 1.2, 1.3, 1.4, 1.5),
    "childcare": (1.0, 1.1, 1.2, 1.3, 1.4, 1.5),
    "health": (1.0, 1.05, 1.1, 1.15, 1.2, 1.25),
}

PARK_NAME = "重庆两江智造产业园区管理委员会"
PARK_REGION = "500112"
GOVERNMENT_NAME = "重庆市教育委员会"

Row = dict[str, str | int | float | None]


ACCOUNTS = (
    ("demo_admin", "admin", "平台管理员"),
    ("demo_regulator", "regulator", "监管部门（市教委）"),
    ("demo_school", "school", "学校（高职，开设护理专业）"),
    ("demo_enterprise", "enterprise", "企业（两个被拒发布的草稿岗位所属企业）"),
    ("demo_student", "student", "学生（所属学校同上）"),
)
"""(username, role, label) of the demo's accounts, one per role."""
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l look-alikes


@dataclass(frozen=True)
class Account:
    """A demo login; its organisation is given by code (None for the admin)."""

    username: str
    password: str
    role: str
    organization_code: str | None
    label: str


def demo_passwords(seed: int) -> dict[str, str]:
    """The accounts' passwords: a function of the seed only, so a rerun can print them again."""
    rng = random.Random(f"chanjiao-demo:{seed}:accounts")
    return {
        username: "Demo-" + "".join(rng.choice(_PASSWORD_ALPHABET) for _ in range(10))
        for username, _, _ in ACCOUNTS
    }


@dataclass(frozen=True)
class DemoCity:
    """Every row of the demo city, in the import format, in load order."""

    seed: int
    scale: float
    today: date  # the seeding day: open positions close after it, history ends before it
    organizations: tuple[Row, ...]
    programmes: tuple[Row, ...]
    cohorts: tuple[Row, ...]
    demand: tuple[Row, ...]
    students: tuple[Row, ...]
    positions: tuple[Row, ...]  # published ones: closed history and open now
    drafts: tuple[Row, ...]  # the two postings planted to be refused at publication
    accounts: tuple[Account, ...]
    # Enterprise partners of programmes (school_code, major_code, year, enterprise_code, kind):
    # not an import kind, the loader sets them through the programmes operations.
    partners: tuple[Row, ...] = ()
    roles: Mapping[str, PlantedRole] = field(default_factory=dict)  # major code → planted role

    KINDS: ClassVar[tuple[str, ...]] = (
        "organizations",
        "programmes",
        "cohorts",
        "demand",
        "students",
        "positions",
    )

    def rows(self, kind: str) -> tuple[Row, ...]:
        """The rows of one import kind (drafts are part of ``positions`` for counting only)."""
        if kind not in self.KINDS:
            raise KeyError(kind)
        rows: tuple[Row, ...] = getattr(self, kind)
        return rows

    def counts(self) -> dict[str, int]:
        """Rows per import kind, drafts included in positions."""
        counts = {kind: len(self.rows(kind)) for kind in self.KINDS}
        counts["positions"] += len(self.drafts)
        return counts

    @property
    def total_rows(self) -> int:
        return sum(self.counts().values())

    def fingerprint(self) -> str:
        """SHA-256 of every row and password: equal fingerprints, equal cities."""
        content = [
            [self.rows(kind) for kind in self.KINDS],
            self.drafts,
            [dataclasses.astuple(account) for account in self.accounts],
            self.partners,
            self.today.isoformat(),
        ]
        return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


# ---------------------------------------------------------------------------- reference data


@dataclass(frozen=True)
class _Reference:
    majors: Mapping[str, tuple[str, str]]  # code → (name, level)
    industries: frozenset[str]
    districts: Mapping[str, str]  # county code → name, Chongqing only
    # The posting rules' thresholds, from the data the rules themselves read, so the city stays
    # inside them if a profile changes: interns over staff at most, intern pay over wage at least.
    intern_share_of_staff: float
    internship_pay_share: float
    # 细类 name → code of 职业分类大典 (2022): a posting whose title names one carries its code.
    occupations: Mapping[str, str] = field(default_factory=dict)

    def occupation_of(self, title: str) -> str | None:
        """The occupation a title names exactly: the title itself, or without 学徒 / 实习生, or
        that with 工 added (汽车维修实习生 → 汽车维修工). None when the title names none."""
        stem = title.removesuffix("学徒").removesuffix("实习生")
        for name in (title, stem, stem + "工"):
            if name in self.occupations:
                return self.occupations[name]
        return None


@cache
def _reference(data_dir: Path = DATA_DIR) -> _Reference:
    with (data_dir / "majors.csv").open(encoding="utf-8", newline="") as handle:
        majors = {row["code"]: (row["name"], row["level"]) for row in csv.DictReader(handle)}
    with (data_dir / "industries.csv").open(encoding="utf-8", newline="") as handle:
        industries = frozenset(row["code"] for row in csv.DictReader(handle))
    with (data_dir / "regions.csv").open(encoding="utf-8", newline="") as handle:
        districts = {
            row["code"]: row["name"]
            for row in csv.DictReader(handle)
            if row["level"] == "county" and row["code"].startswith("50")
        }
    with (data_dir / "occupations.csv").open(encoding="utf-8", newline="") as handle:
        occupations: dict[str, str] = {}
        for row in csv.DictReader(handle):
            if row["level"] == "细类":
                occupations.setdefault(row["name"], row["code"])
    rules = json.loads((data_dir / "compliance_rules.json").read_text(encoding="utf-8"))
    return _Reference(
        majors,
        industries,
        districts,
        intern_share_of_staff=float(rules["intern_share_of_staff_max"]),
        internship_pay_share=float(rules["internship_pay_min_share"]),
        occupations=occupations,
    )


def _check_vocabulary(ref: _Reference) -> None:
    """Fail loudly on a code the catalogue does not have: the city must be real codes only."""
    problems: list[str] = []
    offered = {plan.code for plan in PORTFOLIO}
    for plan in PORTFOLIO:
        if plan.code not in ref.majors:
            problems.append(f"major {plan.code} not in majors.csv")
    for sector in SECTORS:
        problems += [
            f"{sector.key}: industry {c}" for c, _ in sector.industries if c not in ref.industries
        ]
        problems += [
            f"{sector.key}: district {d}" for d in sector.districts if d not in ref.districts
        ]
        problems += [
            f"{sector.key}: major {m} not offered" for m in sector.majors if m not in offered
        ]
    if problems:
        raise ValueError("demo vocabulary out of step with seed/data: " + "; ".join(problems))


# ---------------------------------------------------------------------------- identifiers


_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 组织机构代码


def _org_code(body8: str) -> str:
    """A 9-character 组织机构代码: 8 characters and their GB 11714 check character."""
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + ("X" if check == 10 else "0" if check == 11 else str(check))


def make_uscc(rng: random.Random, registration: str, region_code: str) -> str:
    """A valid 统一社会信用代码: registration type, area code, 组织机构代码, check character."""
    letters = USCC_ALPHABET[10:]
    if rng.random() < 0.6:  # codes issued since 2015 start with MA
        body = "MA" + "".join(rng.choice(USCC_ALPHABET[:10] + letters) for _ in range(6))
    else:
        body = "".join(rng.choice(USCC_ALPHABET[:10]) for _ in range(8))
    first17 = f"{registration}{region_code}{_org_code(body)}"
    return first17 + uscc_check_character(first17)


def _short_district(name: str) -> str:
    for suffix in ("土家族苗族自治县", "苗族土家族自治县", "土家族自治县", "自治县", "区", "县"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


# ---------------------------------------------------------------------------- the city


@dataclass
class _School:
    code: str
    name: str
    level: str
    region: str
    majors: list[str] = field(default_factory=list)


@dataclass
class _Enterprise:
    code: str
    name: str
    region: str
    industry: str
    staff: int
    sector: Sector
    intern_cap: int  # interns the enterprise may take at once
    open_interns: int = 0


@dataclass(frozen=True)
class _Posting:
    kind: str
    title: str
    majors: list[str]
    headcount: int
    start: date
    closing: date
    is_open: bool


@dataclass
class _Programme:
    school: _School
    major: str
    role: PlantedRole
    enrolled: dict[int, int]  # enrolment year → students


def generate_city(
    seed: int = DEFAULT_SEED, scale: float = 1.0, today: date = REFERENCE_DAY
) -> DemoCity:
    """The demo city of ``seed`` at ``scale`` (1 = a city; 50 = a province-sized dataset) as seen
    on ``today`` (the seeding day): the same seed and day give the same city."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    ref = _reference()
    _check_vocabulary(ref)
    builder = _Builder(seed, scale, ref, today)
    return builder.build()


class _Builder:
    def __init__(self, seed: int, scale: float, ref: _Reference, today: date) -> None:
        self.seed = seed
        self.scale = scale
        self.today = today
        # The city is planned as of REFERENCE_DAY (history up to three days before it, the
        # figures of report year 2026); its open positions move to the seeding day, so that the
        # same seed gives the same city on any day but for their dates.
        self.open_shift = timedelta(days=max(0, (today - REFERENCE_DAY).days))
        self.ref = ref
        self.used_codes: set[str] = {PARK_CODE}
        self.used_names: set[str] = set()
        self.government_code = make_uscc(self.rng("government"), "11", CITY_REGION)

    def rng(self, component: str) -> random.Random:
        return random.Random(f"chanjiao-demo:{self.seed}:{component}")

    def scaled(self, base: int, minimum: int = 1) -> int:
        return max(minimum, round(base * self.scale))

    # --------------------------------------------------------------- build

    def build(self) -> DemoCity:
        plans = {plan.code: plan for plan in PORTFOLIO}
        schools = self._schools()
        programmes = self._programmes(schools, plans)
        enterprises = self._enterprises()
        cohorts, supply = self._cohorts(programmes)
        targets = self._targets(supply, plans)
        showcase = enterprises[0]
        positions, position_demand = self._positions(enterprises, targets, showcase)
        demand = self._forecasts(enterprises, targets, position_demand)
        students = self._students(programmes)
        park, government = self._public_bodies()
        organizations: list[Row] = [park, government]
        organizations += [self._school_row(s) for s in schools]
        organizations += [self._enterprise_row(e) for e in enterprises]
        return DemoCity(
            seed=self.seed,
            scale=self.scale,
            today=self.today,
            organizations=tuple(organizations),
            programmes=tuple(self._programme_rows(programmes)),
            cohorts=tuple(cohorts),
            demand=tuple(demand),
            students=tuple(students),
            positions=tuple(positions),
            drafts=tuple(self._drafts(showcase)),
            accounts=self._accounts(schools, showcase, students),
            partners=tuple(self._partners(programmes, enterprises, schools)),
            roles={code: plan.role for code, plan in plans.items()},
        )

    # --------------------------------------------------------------- organisations

    def _public_bodies(self) -> tuple[Row, Row]:
        park: Row = {
            "kind": "park",
            "code": PARK_CODE,
            "name": PARK_NAME,
            "region_code": PARK_REGION,
            "industry_code": "7221",
            "level": None,
            "staff_count": None,
        }
        government: Row = {
            "kind": "government",
            "code": self.government_code,
            "name": GOVERNMENT_NAME,
            "region_code": CITY_REGION,
            "industry_code": "9224",
            "level": None,
            "staff_count": None,
        }
        return park, government

    def _schools(self) -> list[_School]:
        rng = self.rng("schools")
        sites_needed: dict[str, int] = {}
        for plan in PORTFOLIO:
            level = self.ref.majors[plan.code][1]
            sites_needed[level] = max(sites_needed.get(level, 0), self._sites(plan))
        districts = sorted(self.ref.districts)
        secondary_codes = rng.sample(
            range(100000, 1000000),
            self.scaled(SCHOOLS_AT_SCALE_1[SECONDARY], sites_needed[SECONDARY]),
        )
        schools: list[_School] = []
        for i, serial in enumerate(secondary_codes):
            region = districts[i % len(districts)]
            short = _short_district(self.ref.districts[region])
            candidates = [f"重庆市{short}职业教育中心"]
            candidates += [f"重庆市{short}{theme}学校" for theme in SECONDARY_THEMES]
            schools.append(
                _School(
                    f"3650{serial:06d}",
                    self._unique_name(candidates, rng, short),
                    SECONDARY,
                    region,
                )
            )
        n_higher = self.scaled(SCHOOLS_AT_SCALE_1[HIGHER], sites_needed[HIGHER])
        n_bachelor = self.scaled(SCHOOLS_AT_SCALE_1[BACHELOR], sites_needed[BACHELOR])
        serials = rng.sample(range(12000, 100000), n_higher + n_bachelor)
        for i, serial in enumerate(serials):
            level = HIGHER if i < n_higher else BACHELOR
            region = SCHOOL_DISTRICTS[level][i % len(SCHOOL_DISTRICTS[level])]
            short = _short_district(self.ref.districts[region])
            if level == HIGHER:
                candidates = [f"重庆{theme}职业技术学院" for theme in HIGHER_THEMES]
                candidates += [f"重庆{short}{theme}职业学院" for theme in HIGHER_THEMES]
            else:
                candidates = [f"重庆{theme}职业技术大学" for theme in BACHELOR_THEMES]
                candidates += [f"重庆{short}{theme}职业大学" for theme in BACHELOR_THEMES]
            schools.append(
                _School(
                    f"41500{serial:05d}", self._unique_name(candidates, rng, short), level, region
                )
            )
        return schools

    def _unique_name(self, candidates: Sequence[str], rng: random.Random, short: str) -> str:
        """The first unused candidate in a seeded order; numbered when all are taken."""
        order = list(candidates)
        rng.shuffle(order)
        for name in order:
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        n = 2
        while f"{order[0]}{short}第{n}分校" in self.used_names:
            n += 1
        name = f"{order[0]}{short}第{n}分校"
        self.used_names.add(name)
        return name

    def _sites(self, plan: MajorPlan) -> int:
        return max(MIN_SITES.get(plan.role, 1), round(plan.sites * self.scale))

    def _programmes(
        self, schools: list[_School], plans: Mapping[str, MajorPlan]
    ) -> list[_Programme]:
        rng = self.rng("programmes")
        programmes: list[_Programme] = []
        for plan in plans.values():
            level = self.ref.majors[plan.code][1]
            pool = [s for s in schools if s.level == level]
            # Spread majors evenly: the schools with the fewest programmes first, ties by lot.
            ranked = sorted(pool, key=lambda s: (len(s.majors), rng.random()))
            low, high = INTAKE[level]
            growth = ENROLMENT_GROWTH[plan.role]
            for school in ranked[: self._sites(plan)]:
                school.majors.append(plan.code)
                base = rng.randint(low, high)
                enrolled = {
                    year: max(15, round(base * growth ** (year - 2022) * rng.uniform(0.93, 1.07)))
                    for year in range(2022 - DURATION[level], OUTLOOK_YEAR)
                }
                programmes.append(_Programme(school, plan.code, plan.role, enrolled))
        return programmes

    def _enterprises(self) -> list[_Enterprise]:
        rng = self.rng("enterprises")
        total = self.scaled(ENTERPRISES_AT_SCALE_1, 2 * len(SECTORS))
        weights = [sector.weight for sector in SECTORS]
        # Every sector gets two enterprises before the rest are drawn by weight.
        sectors = [s for s in SECTORS for _ in range(2)]
        sectors += rng.choices(SECTORS, weights=weights, k=total - len(sectors))
        enterprises: list[_Enterprise] = []
        for i, sector in enumerate(sectors):
            region = (
                rng.choice(sector.districts)
                if rng.random() < 0.85
                else rng.choice(sorted(self.ref.districts))
            )
            industry = rng.choices(
                [c for c, _ in sector.industries], weights=[w for _, w in sector.industries]
            )[0]
            low, high = sector.staff
            # Staff sizes are skewed: many small firms, a few large ones (log-uniform).
            staff = round(math.exp(rng.uniform(math.log(low), math.log(high))))
            if i == 0:
                staff = max(staff, 2400)  # the showcase enterprise (demo account, planted drafts)
            registration = "52" if rng.random() < sector.non_profit_share else "91"
            code = make_uscc(rng, registration, region)
            while code in self.used_codes:
                code = make_uscc(rng, registration, region)
            self.used_codes.add(code)
            name = self._enterprise_name(rng, sector, region)
            cap = math.floor(staff * self.ref.intern_share_of_staff)
            enterprises.append(_Enterprise(code, name, region, industry, staff, sector, cap))
        return enterprises

    def _enterprise_name(self, rng: random.Random, sector: Sector, region: str) -> str:
        """重庆 + 字号 + business; then with the district and a number once plain names run out."""
        short = _short_district(self.ref.districts[region])
        for attempt in range(64):
            middle = "" if attempt < 8 else short if attempt < 16 else f"{short}{attempt}"
            name = f"重庆{rng.choice(BRANDS)}{middle}{rng.choice(sector.name_tails)}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("no free enterprise name")  # 60 brands × 38 districts × 48 numbers

    # --------------------------------------------------------------- school figures

    def _cohorts(self, programmes: list[_Programme]) -> tuple[list[Row], dict[str, dict[int, int]]]:
        rng = self.rng("cohorts")
        rows: list[Row] = []
        supply: dict[str, dict[int, int]] = {}
        keep_rates: dict[str, float] = {}
        for programme in programmes:
            level = programme.school.level
            per_year = supply.setdefault(programme.major, {})
            if programme.role is PlantedRole.keep and programme.major not in keep_rates:
                keep_rates[programme.major] = rng.uniform(*KEEP_DESTINATION_RANGE)
            for i, year in enumerate(YEARS):
                entered = programme.enrolled[year - DURATION[level]]
                graduates = max(12, round(entered * rng.uniform(0.9, 0.97)))
                if programme.role is PlantedRole.keep:
                    rate = keep_rates[programme.major] + rng.uniform(-0.03, 0.03)
                else:
                    target = DESTINATION_TARGETS[programme.role][i]
                    rate = target + rng.uniform(-DESTINATION_JITTER, DESTINATION_JITTER)
                placed = min(graduates, round(graduates * rate))
                further = round(placed * rng.uniform(0.08, 0.3))
                in_field = min(placed - further, round(placed * rng.uniform(0.5, 0.75)))
                low, high = STARTING_SALARY[level]
                salary = rng.randrange(low, high, 10) * (0.9 if rate < 0.6 else 1.0)
                rows.append(
                    {
                        "school_code": programme.school.code,
                        "major_code": programme.major,
                        "graduation_year": year,
                        "graduates": graduates,
                        "placed": placed,
                        "in_field": in_field,
                        "further_study": further,
                        "avg_monthly_salary": round(salary / 10) * 10,
                    }
                )
                per_year[year] = per_year.get(year, 0) + graduates
            # The outlook: next year's graduates expected from the intake three (four) years ago.
            expected = round(programme.enrolled[OUTLOOK_YEAR - DURATION[level]] * 0.94)
            per_year[OUTLOOK_YEAR] = per_year.get(OUTLOOK_YEAR, 0) + expected
        return rows, supply

    def _programme_rows(self, programmes: list[_Programme]) -> Iterator[Row]:
        rng = self.rng("plans")
        # A generator of its own, so the shares leave every other figure of the city unchanged.
        practical = self.rng("practical_hours")
        for programme in programmes:
            # 实践性教学课时占比: most programmes meet the 50 % of 国办发〔2017〕95号 §15, some not.
            share = round(practical.uniform(*PRACTICAL_SHARE_RANGE), 2)
            for year in YEARS:
                enrolled = programme.enrolled[year]
                yield {
                    "school_code": programme.school.code,
                    "major_code": programme.major,
                    "year": year,
                    "enrolment_plan": max(enrolled, round(enrolled / rng.uniform(0.9, 1.0))),
                    "enrolled": enrolled,
                    "practical_hours_share": share,
                }

    def _partners(
        self, programmes: list[_Programme], enterprises: list[_Enterprise], schools: list[_School]
    ) -> Iterator[Row]:
        """Enterprise partners of some programmes' latest year: enterprises of a sector that
        hires the major, in one of the three ways (校企合作 / 订单培养 / 学徒制). The demo
        school's programmes all get one, so its account shows them."""
        rng = self.rng("partners")
        demo_school = self._demo_school(schools)
        hiring: dict[str, list[_Enterprise]] = {}
        for enterprise in enterprises:
            for major in enterprise.sector.majors:
                hiring.setdefault(major, []).append(enterprise)
        partnered = 0
        for programme in programmes:
            candidates = hiring.get(programme.major, [])
            chosen = rng.random() < PARTNER_SHARE
            if not candidates or not (programme.school is demo_school or chosen):
                continue
            if programme.school is not demo_school and partnered >= MAX_PARTNERED_PROGRAMMES:
                continue
            partnered += 1
            picked = rng.sample(candidates, min(len(candidates), rng.randint(1, 2)))
            for enterprise in picked:
                kind = rng.choices(PARTNER_KINDS, weights=PARTNER_KIND_WEIGHTS)[0]
                yield {
                    "school_code": programme.school.code,
                    "major_code": programme.major,
                    "year": YEARS[-1],
                    "enterprise_code": enterprise.code,
                    "kind": kind,
                }

    @staticmethod
    def _demo_school(schools: list[_School]) -> _School:
        """The school of the ``demo_school`` account: a 高职 school running 护理."""
        return next(s for s in schools if s.level == HIGHER and "520201" in s.majors)

    def _targets(
        self, supply: Mapping[str, Mapping[int, int]], plans: Mapping[str, MajorPlan]
    ) -> dict[str, dict[int, float]]:
        """Demand headcount each major should see each year: 供求比 target × graduates."""
        rng = self.rng("targets")
        years = (*YEARS, OUTLOOK_YEAR)
        targets: dict[str, dict[int, float]] = {}
        for code, plan in plans.items():
            graduates = supply[code]
            if plan.role is PlantedRole.keep:
                base = rng.uniform(*KEEP_RATIO_RANGE)
                ratios = [base + rng.uniform(-0.05, 0.05) for _ in years]
                demand = [r * graduates[y] for r, y in zip(ratios, years, strict=True)]
                # Keep majors must not look like shrinking ones (改造升级 compares with 3 years
                # earlier): hold demand at ≥ 90 % of any earlier year's.
                for j in range(1, len(demand)):
                    demand[j] = max(demand[j], 0.9 * max(demand[:j]))
            else:
                ratios = list(RATIO_TARGETS[plan.role])
                demand = [r * graduates[y] for r, y in zip(ratios, years, strict=True)]
            targets[code] = dict(zip(years, demand, strict=True))
        return targets

    # --------------------------------------------------------------- positions

    def _positions(
        self,
        enterprises: list[_Enterprise],
        targets: Mapping[str, Mapping[int, float]],
        showcase: _Enterprise,
    ) -> tuple[list[Row], dict[str, dict[int, float]]]:
        """History (closed) and open postings, and the demand they give each major and year."""
        rng = self.rng("positions")
        total = self.scaled(POSITIONS_AT_SCALE_1, 60) - 2  # two drafts are planted separately
        n_open = self.scaled(OPEN_POSITIONS_AT_SCALE_1, 10)
        budget = {
            code: {year: POSITION_SHARE * value for year, value in per_year.items()}
            for code, per_year in targets.items()
        }
        used: dict[str, dict[int, float]] = {code: {} for code in targets}
        by_sector: dict[str, list[_Enterprise]] = {}
        for enterprise in enterprises:
            by_sector.setdefault(enterprise.sector.key, []).append(enterprise)
        sector_weights = [
            [s.weight * SECTOR_TRENDS.get(s.key, (1.0,) * 6)[trend] for s in SECTORS]
            for trend in range(len(YEARS) + 1)
        ]
        # Larger enterprises post more (√staff); cumulative weights once, not per draw.
        cumulative = {
            key: list(itertools.accumulate(math.sqrt(e.staff) for e in pool))
            for key, pool in by_sector.items()
        }
        taken: set[tuple[str, str, date]] = set()
        rows: list[Row] = []
        for n in range(total):
            is_open = n >= total - n_open
            if is_open:
                first, last = OPEN_CLOSING_DAYS
                closing = REFERENCE_DAY + timedelta(days=first + rng.randrange(last - first + 1))
                start = closing + timedelta(days=rng.randint(7, 30))
                trend = len(YEARS)
            else:
                year = rng.choices(YEARS, weights=HISTORY_YEAR_WEIGHTS)[0]
                first_day = date(year, 1, 1)
                last_day = min(date(year, 12, 31), REFERENCE_DAY - timedelta(days=3))
                start = first_day + timedelta(days=rng.randrange((last_day - first_day).days))
                closing = start - timedelta(days=rng.randint(5, 30))
                trend = YEARS.index(year)
            weights = sector_weights[trend]
            kind = rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
            wanted = rng.randint(*HEADCOUNTS[kind])
            k = rng.choices((1, 2, 3), weights=(55, 35, 10))[0]
            # A sector, one of its enterprises, then the majors asked for among those whose
            # budget is left (internships are places, not demand: they need no budget).
            for attempt in range(4 * len(SECTORS)):
                sector = rng.choices(SECTORS, weights=weights)[0]
                pool = by_sector[sector.key]
                enterprise = rng.choices(pool, cum_weights=cumulative[sector.key])[0]
                actual_kind, headcount = kind, wanted
                if kind == "internship":
                    # Interns stay within 10 % of the enterprise's staff: open internships together
                    # (the rule publication checks), a past one on its own (it was checked alone).
                    room = enterprise.intern_cap
                    if is_open:
                        room -= enterprise.open_interns
                        if enterprise is showcase:
                            room -= 2  # the planted internship draft must fail on pay alone
                    if room < 1:
                        actual_kind, headcount = "job", min(wanted, HEADCOUNTS["job"][1])
                    else:
                        headcount = min(wanted, room)
                counted = actual_kind in DEMAND_KINDS
                candidates = list(sector.majors)
                if counted:
                    candidates = _within_budget(candidates, k, headcount, start.year, used, budget)
                if candidates or attempt == 4 * len(SECTORS) - 1:
                    break
            majors = rng.sample(candidates, min(k, len(candidates))) or [sector.majors[0]]
            if is_open and actual_kind == "internship":
                enterprise.open_interns += headcount
            if counted:
                for major in majors:
                    spent = used[major].get(start.year, 0.0)
                    used[major][start.year] = spent + headcount / len(majors)
            titles = {
                "job": sector.job_titles,
                "internship": sector.internship_titles,
                "apprenticeship": sector.apprenticeship_titles,
            }
            title = rng.choice(titles[actual_kind])
            start = _free_day(taken, (enterprise.code, title), start, forward=is_open)
            rows.append(
                self._position_row(
                    rng,
                    enterprise,
                    sector,
                    _Posting(actual_kind, title, majors, headcount, start, closing, is_open),
                )
            )
        return rows, used

    def _position_row(
        self, rng: random.Random, enterprise: _Enterprise, sector: Sector, posting: _Posting
    ) -> Row:
        kind, start, closing = posting.kind, posting.start, posting.closing
        if posting.is_open:
            # Planned as of the reference day, then moved to the seeding day as a whole.
            start, closing = start + self.open_shift, closing + self.open_shift
        duties = "；".join(rng.sample(sector.duties, 2))
        parts = [f"{duties}。", f"{rng.choice(REQUIREMENTS)}。", f"{rng.choice(BENEFITS)}。"]
        same_post_wage: int | None = None
        post_staff: int | None = None
        hours_day: int | None = None
        hours_week: int | None = None
        end: date | None = None
        if kind == "job":
            low, high = sector.pay
            pay = rng.randrange(max(4500, low), min(9000, high) + 1, 100)
        elif kind == "internship":
            same_post_wage = rng.randrange(3400, 5601, 100)
            share = self.ref.internship_pay_share
            floor = max(2500, math.ceil(same_post_wage * share / 100) * 100)
            pay = rng.randrange(floor, min(4500, same_post_wage) + 1, 100)
            # Interns on one post stay within 20 % of the staff on that kind of post.
            post_staff = max(
                5 * posting.headcount, round(enterprise.staff * rng.uniform(0.02, 0.1))
            )
            hours_day, hours_week = 8, 40
            end = start + timedelta(days=182)  # 岗位实习 normally six months
            parts.append(f"{rng.choice(STUDENT_TERMS)}。")
        else:
            pay = rng.randrange(3200, 5501, 100)
            hours_day, hours_week = 8, 40
            end = start + timedelta(days=365 * rng.choice((1, 2)))
            parts.append(f"{rng.choice(APPRENTICE_TERMS)}。")
        skills = rng.sample(sector.skills, rng.randint(2, min(4, len(sector.skills))))
        return {
            "enterprise_code": enterprise.code,
            "title": posting.title,
            "kind": kind,
            "major_codes": ";".join(posting.majors),
            "region_code": enterprise.region,
            "headcount": posting.headcount,
            "monthly_pay": pay,
            "start_date": start.isoformat(),
            "closing_date": closing.isoformat(),
            "description": "".join(parts),
            "status": "open" if posting.is_open else "closed",
            "same_post_wage": same_post_wage,
            "hours_per_day": hours_day,
            "hours_per_week": hours_week,
            "end_date": end.isoformat() if end else None,
            "skills": ";".join(skills),
            "post_staff_count": post_staff,
            "occupation_code": self.ref.occupation_of(posting.title),
        }

    def _drafts(self, showcase: _Enterprise) -> list[Row]:
        """The two postings planted to fail publication (docs/design/policy.md §3), for the first
        spring (1 March) at least 45 days after today, closing before it."""
        spring = date(self.today.year, 3, 1)
        while spring < self.today + timedelta(days=45):
            spring = date(spring.year + 1, 3, 1)
        discriminatory: Row = {
            "enterprise_code": showcase.code,
            "title": "生产储备干部",
            "kind": "job",
            "major_codes": "460701;260702",
            "region_code": showcase.region,
            "headcount": 3,
            "monthly_pay": 7500,
            "start_date": spring.isoformat(),
            "closing_date": (spring - timedelta(days=29)).isoformat(),
            "description": (
                "负责总装车间的生产组织、现场管理和班组建设。"
                "任职要求：限男性，本地户籍，全日制本科及以上学历，能适应生产一线工作。"
                "缴纳五险一金，提供员工宿舍。"
            ),
            "status": "draft",
            "same_post_wage": None,
            "hours_per_day": None,
            "hours_per_week": None,
            "end_date": None,
            "skills": "精益生产;汽车装配",
            "post_staff_count": None,
        }
        underpaid: Row = {
            "enterprise_code": showcase.code,
            "title": f"总装车间岗位实习生（{spring.year}春季）",
            "kind": "internship",
            "major_codes": "460702;660702",
            "region_code": showcase.region,
            "headcount": 2,
            "monthly_pay": 3000,  # 60 % of the same post's 5 000: below the 80 % floor
            "start_date": spring.isoformat(),
            "closing_date": (spring - timedelta(days=9)).isoformat(),
            "description": (
                "在师傅指导下参与整车总装、检测和下线调试。"
                "每日工作8小时、每周工作40小时，双休。"
                "学校与企业共同指导，签订三方实习协议。"
            ),
            "status": "draft",
            "same_post_wage": 5000,
            "hours_per_day": 8,
            "hours_per_week": 40,
            "end_date": date(spring.year, 8, 31).isoformat(),
            "skills": "汽车装配;质量检验",
            "post_staff_count": 60,
        }
        return [discriminatory, underpaid]

    # --------------------------------------------------------------- forecasts

    def _forecasts(
        self,
        enterprises: list[_Enterprise],
        targets: Mapping[str, Mapping[int, float]],
        position_demand: Mapping[str, Mapping[int, float]],
    ) -> list[Row]:
        """人才需求发布 that bring each major's demand to its target (positions bring the rest)."""
        rng = self.rng("forecasts")
        hiring: dict[str, list[_Enterprise]] = {}
        for enterprise in sorted(enterprises, key=lambda e: -e.staff):
            for major in enterprise.sector.majors:
                hiring.setdefault(major, []).append(enterprise)
        per_major = 1 + round(3 * self.scale)
        rows: list[Row] = []
        for code, per_year in targets.items():
            big_hirers = hiring[code][: max(1, per_major - 2)]
            publishers = [(PARK_CODE, PARK_REGION), (self.government_code, CITY_REGION)]
            publishers += [(e.code, e.region) for e in big_hirers]
            for year, target in per_year.items():
                residual = round(target - position_demand[code].get(year, 0.0))
                if residual <= 0:
                    continue
                shares = [rng.uniform(0.5, 1.5) for _ in publishers]
                for (publisher, region), headcount in zip(
                    publishers, _split(residual, shares), strict=True
                ):
                    if headcount:
                        rows.append(
                            {
                                "publisher_code": publisher,
                                "major_code": code,
                                "region_code": region,
                                "year": year,
                                "headcount": headcount,
                            }
                        )
        return rows

    # --------------------------------------------------------------- students

    def _students(self, programmes: list[_Programme]) -> list[Row]:
        """Students graduating in 2027 and 2028, spread over programmes by intake."""
        rng = self.rng("students")
        total = self.scaled(STUDENTS_AT_SCALE_1, 20)
        skills_of: dict[str, list[str]] = {}
        for sector in SECTORS:
            for major in sector.majors:
                known = skills_of.setdefault(major, [])
                known.extend(skill for skill in sector.skills if skill not in known)
        slots = [
            (programme, graduation - DURATION[programme.school.level])
            for programme in programmes
            for graduation in (OUTLOOK_YEAR, OUTLOOK_YEAR + 1)
        ]
        counts = _split(total, [float(p.enrolled[year]) for p, year in slots])
        districts = sorted(self.ref.districts)
        serial: dict[str, int] = {}
        rows: list[Row] = []
        for (programme, enrolment_year), count in zip(slots, counts, strict=True):
            school = programme.school
            skills = skills_of[programme.major]
            for _ in range(count):
                serial[school.code] = serial.get(school.code, 0) + 1
                preferred = [school.region, *rng.sample(districts, rng.randint(0, 2))]
                rows.append(
                    {
                        "school_code": school.code,
                        "student_no": f"{enrolment_year}{serial[school.code]:05d}",
                        "major_code": programme.major,
                        "graduation_year": enrolment_year + DURATION[school.level],
                        "skills": ";".join(rng.sample(skills, min(3, len(skills)))),
                        "preferred_regions": ";".join(dict.fromkeys(preferred)),
                    }
                )
        return rows

    # --------------------------------------------------------------- rows and accounts

    def _school_row(self, school: _School) -> Row:
        return {
            "kind": "school",
            "code": school.code,
            "name": school.name,
            "region_code": school.region,
            "industry_code": "8336" if school.level == SECONDARY else "8341",
            "level": school.level,
            "staff_count": None,
        }

    def _enterprise_row(self, enterprise: _Enterprise) -> Row:
        return {
            "kind": "enterprise",
            "code": enterprise.code,
            "name": enterprise.name,
            "region_code": enterprise.region,
            "industry_code": enterprise.industry,
            "level": None,
            "staff_count": enterprise.staff,
        }

    def _accounts(
        self, schools: list[_School], showcase: _Enterprise, students: list[Row]
    ) -> tuple[Account, ...]:
        school = self._demo_school(schools)
        student = next(row for row in students if row["school_code"] == school.code)
        organizations = {
            "admin": None,
            "regulator": self.government_code,
            "school": school.code,
            "enterprise": showcase.code,
            "student": str(student["school_code"]),
        }
        passwords = demo_passwords(self.seed)
        return tuple(
            Account(username, passwords[username], role, organizations[role], label)
            for username, role, label in ACCOUNTS
        )


def _within_budget(
    majors: Sequence[str],
    k: int,
    headcount: int,
    year: int,
    used: Mapping[str, Mapping[int, float]],
    budget: Mapping[str, Mapping[int, float]],
) -> list[str]:
    """The majors that can take their share (headcount / how many are asked) within budget."""
    kept = list(majors)
    while kept:
        share = headcount / min(k, len(kept))
        fits = [m for m in kept if used[m].get(year, 0.0) + share <= budget[m].get(year, 0.0)]
        if len(fits) == len(kept):
            return kept
        kept = fits
    return kept


def _free_day(
    taken: set[tuple[str, str, date]], key: tuple[str, str], start: date, *, forward: bool
) -> date:
    """The nearest day to ``start`` in the same year on which ``key`` has no posting yet.

    (enterprise, title, start_date) is a position's natural key; history moves back so that no
    closed posting starts after today, open postings move on.
    """
    step = timedelta(days=1 if forward else -1)
    day = start
    while (*key, day) in taken:
        day += step
        if day.year != start.year:
            step, day = -step, start
    taken.add((*key, day))
    return day


def _park_code() -> str:
    """The park's 统一社会信用代码 (11 = 机关, 渝北区): the mark that the demo city is loaded."""
    first17 = "11" + PARK_REGION + _org_code("MA1C2QJ8")
    return first17 + uscc_check_character(first17)


PARK_CODE = _park_code()


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainder: exact and deterministic)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts
