"""Rebuild the project's reference data files in ``seed/data`` from the official catalogues.

Provenance
----------
Every generated file is derived from the compiled public copies of official classifications kept in
the reference folder, ``--source`` (editions and known defects: docs/design/architecture.md):

* ``majors.csv`` — 职业教育专业目录（2021年） with the 2024–2025 增补 (``majors_2021.csv``).
* ``major_terms.csv`` — terms (occupations / 岗位群, course names, certificate names) extracted
  from 职业教育专业简介 (``major_profiles/*.md``). Only the terms are kept, never the prose.
* ``industries.csv`` — GB/T 4754-2017 国民经济行业分类 with the 2019 amendment; the official
  notes (◇ 包括 / ◆ 不包括) are deliberately left out.
* ``occupations.csv`` — 中华人民共和国职业分类大典（2022年版）.
* ``regions.csv`` — NBS 2023 statistical division codes padded to six-digit GB/T 2260 form.
  NBS-only grouping units (``市辖区``, ``县``, ``省直辖县级行政区划``) are kept on purpose: they
  are real code units and counties hang under them (重庆 500101 万州区 → 500100 市辖区 → 500000).
  The county list repeats the three 不设区的地级市 (441900 东莞, 442000 中山, 460400 儋州) under
  their own code; those duplicates are dropped, leaving 2975 counties.
* ``strategic_emerging.csv`` — 战略性新兴产业分类（2018） mapped to GB/T 4754 小类.

Defects of the sources handled here (each counted in the run's log):

* Profiles: three code lines lack the space ("专业代码260102") and are read by a tolerant
  pattern; 81 profiles lost their code and name lines and sit under their predecessor's code. They
  are recognised by a second 职业面向 heading and given, in order, the next catalogue codes of the
  same 专业类 that have no profile of their own (77); four follow K majors missing from the
  catalogue copy (e.g. after 570103K) and are dropped. PDF page wraps, glued headings, OCR formulas
  ("$\\mathrm{CO}_2$"), footnote marks and CJK–Latin spaces are repaired before terms are cut.
* Industries: ASCII and full-width brackets are mixed inside names; brackets are made full-width.

``major_aliases.csv`` and ``priority_industries.json`` in the same folder are curated by hand and
are never written by this script.

Run ``python -m seed.build_reference [--source DIR] [--out DIR]``; the output is sorted and
byte-for-byte reproducible, so a test can rebuild into a temporary folder and compare.
"""

from __future__ import annotations

import argparse
import csv
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "reference"
DEFAULT_OUT = Path(__file__).resolve().parent / "data"

MAJOR_LEVELS = ("中职", "高职专科", "职教本科")
INDUSTRY_LEVELS = ("门类", "大类", "中类", "小类")
OCCUPATION_LEVELS = ("大类", "中类", "小类", "细类")
TERM_KINDS = ("occupation", "course", "certificate")
# Profiles predate the 2025 增补, so a profile that lost its code line can never describe one.
NOTE_ADDED_2025 = "2025年12月新增"

GENERATED_FILES = (
    "majors.csv",
    "major_terms.csv",
    "industries.csv",
    "occupations.csv",
    "regions.csv",
    "strategic_emerging.csv",
)

Row = dict[str, str]


# --------------------------------------------------------------------------- csv helpers


def read_csv(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write UTF-8 CSV with ``\\n`` line ends so that output bytes do not depend on the platform."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def clean_name(name: str) -> str:
    # The industry copy mixes ASCII and full-width brackets inside one name, e.g. "三维（3D)".
    return name.strip().replace("(", "（").replace(")", "）")


# --------------------------------------------------------------------------- majors


def build_majors(source: Path) -> list[list[str]]:
    rows = read_csv(source / "majors_2021.csv")
    out = []
    for row in rows:
        level = row["level"].strip()
        if level not in MAJOR_LEVELS:
            raise ValueError(f"unknown major level {level!r} for {row['major_code']}")
        out.append(
            [
                row["major_code"].strip(),
                row["major_name"].strip(),
                level,
                row["major_category_code"].strip(),
                row["major_category"].strip(),
                row["major_class_code"].strip(),
                row["major_class"].strip(),
                row["note"].strip(),
            ]
        )
    out.sort(key=lambda r: r[0])
    return out


def level_of_major_code(code: str) -> str:
    """The level is implied by the first digit: 2–3 本科, 4–5 专科, 6–7 中职."""
    return {"2": "职教本科", "3": "职教本科", "4": "高职专科", "5": "高职专科"}.get(code[0], "中职")


# --------------------------------------------------------------------------- industries etc.


def build_industries(source: Path) -> list[list[str]]:
    rows = read_csv(source / "industries_gbt4754_2017.csv")
    out = []
    for row in rows:
        level = row["level"].strip()
        if level not in INDUSTRY_LEVELS:
            raise ValueError(f"unknown industry level {level!r}")
        code = row["code"].strip()
        out.append([code, clean_name(row["name"]), level, row["parent"].strip(), row["section"]])
    # Prefixing the 门类 letter makes a plain string sort a pre-order walk of the tree.
    out.sort(key=lambda r: r[4] + ("" if r[2] == "门类" else r[0]))
    return [r[:4] for r in out]


def build_occupations(source: Path) -> list[list[str]]:
    rows = read_csv(source / "occupations_2022.csv")
    out = []
    for row in rows:
        level = row["level"].strip()
        if level not in OCCUPATION_LEVELS:
            raise ValueError(f"unknown occupation level {level!r}")
        out.append(
            [
                row["code"].strip(),
                row["name"].strip(),
                level,
                row["parent"].strip(),
                row["gbm"].strip(),
                row["mark"].strip(),
            ]
        )
    # Codes like 2-02-38-01 sort as strings into a pre-order walk.
    out.sort(key=lambda r: r[0])
    return out


def build_regions(source: Path) -> list[list[str]]:
    out: list[list[str]] = []
    for row in read_csv(source / "regions_provinces.csv"):
        out.append([row["code"].strip().ljust(6, "0"), row["name"].strip(), "province", ""])
    for row in read_csv(source / "regions_cities.csv"):
        parent = row["provinceCode"].strip().ljust(6, "0")
        out.append([row["code"].strip().ljust(6, "0"), row["name"].strip(), "city", parent])
    for row in read_csv(source / "regions_counties.csv"):
        parent = row["cityCode"].strip().ljust(6, "0")
        code = row["code"].strip()
        # 不设区的地级市 (东莞 441900, 中山 442000, 儋州 460400) are repeated in the county list
        # under their own code; GB/T 2260 has one unit per code, so the city row stands alone.
        if code == parent:
            continue
        out.append([code, row["name"].strip(), "county", parent])
    out.sort(key=lambda r: r[0])
    return out


def build_strategic_emerging(source: Path) -> list[list[str]]:
    rows = read_csv(source / "strategic_emerging_2018_to_gbt4754.csv")
    out = []
    for row in rows:
        partial = row["partial_star"].strip()
        if partial not in ("True", "False"):
            raise ValueError(f"unexpected partial_star {partial!r}")
        out.append(
            [
                row["gbt4754_code"].strip(),
                row["sei_area"].strip(),
                row["sei_path"].strip(),
                "true" if partial == "True" else "false",
                row["key_products"].strip(),
            ]
        )
    out.sort(key=lambda r: (r[0], r[2]))
    return out


# --------------------------------------------------------------------------- major profiles

CODE_LINE = re.compile(r"^专业代码\s*([0-9]{6}K?)\s*$", re.M)
NAME_LINE = re.compile(r"^专业名称\s*(\S.*?)\s*$", re.M)
HEADING = re.compile(
    r"^#*\s*(职业面向|培养目标(?:定位)?|(?:主要)?专业能力要求|主要专业课程\S*|职\S{0,4}证书?\S{0,4}"
    r"|接续专业举例|[0-9]{2,4}\s*\S+类|\S*专业简介)\s*$"
)
LABEL = re.compile(r"^([^：:，。、]{2,24})[：:]")
COURSE_LABEL = re.compile(r"^专业(?:基础|核心)课(?:程)?(?:（[^）]*）)?$")
CERT_LABEL = re.compile(r"^职业\S{0,6}证书?$")
# PDF extraction put spaces between CJK and Latin text ("C 语言程序设计"): drop any space that
# touches a non-ASCII character, keep spaces between Latin words ("Visual Basic").
SPACE_NEAR_CJK = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
OCCUPATION_SUFFIX = re.compile(
    r"(?:等(?:相关)?(?:职业群|职业|岗位（群）|岗位群|岗位|技术领域|领域|工作)|岗位（群）|岗位群|技术领域)$"
)
LIST_SEPARATORS = "、，,；;"
CLAUSE_SEPARATORS = "，,；;。"
OPEN_BRACKETS = "（(《“[【"
CLOSE_BRACKETS = "）)》”]】"
NO_CERTIFICATE = {"暂无", "无"}
MAX_TERM_LENGTH = 40
# Bare activities left over when a list shares its object ("燃气供应系统设计、安装、运维管理"
# yields "安装"): on their own they would match every major, so they are not kept as occupations.
GENERIC_FRAGMENTS = frozenset(
    "安装 调试 维护 维修 检修 检测 检验 测试 设计 施工 管理 生产 运行 运维 服务 操作 技术 开发 "
    "制造 制作 装配 装调 使用 控制 建设 整理 试验 评估 监督 监测 研发 规划 清洗 设备 保养 修复 "
    "集成 运营 各行业 运营类 营销类 产品类".split()
)
# "计算机程序设计员和计算机软件测试员" names two occupations; split only between agent nouns so
# that names such as "仓储和邮政业服务人员" stay whole.
CONJOINED_AGENTS = re.compile(r"(?<=[员工师者])和(?=\S+[员工师者]$)")
AGENT_NOUN = re.compile(r"(?:人员|[员工师者手长士生官警特理童])(?:（[^）]*）)?$")
# Heads of split group names are short ("交通运输", "证券"); longer items are 岗位 themselves.
MAX_GROUP_HEAD = 4
LATEX_MATH = re.compile(r"\$([^$]*)\$")
LATEX_SYMBOLS = {"\\sim": "～", "\\gamma": "γ"}


@dataclass
class Profile:
    """One major's part of a profile file; ``code`` is empty when the code line was lost."""

    file: str
    code: str
    name: str
    sections: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class ProfileReport:
    """What the profile parser met, so that a rebuild can be checked against the sources by hand."""

    files: int = 0
    code_lines: int = 0
    loose_code_lines: list[str] = field(default_factory=list)
    orphans: int = 0
    orphans_assigned: list[tuple[str, str]] = field(default_factory=list)
    orphans_dropped: list[str] = field(default_factory=list)
    matched_by_code: int = 0
    matched_by_name: int = 0
    unmatched: list[str] = field(default_factory=list)
    majors_with_terms: int = 0
    terms: dict[str, int] = field(default_factory=dict)


def delatex(match: re.Match[str]) -> str:
    """Flatten the OCR's inline formulas: "$\\mathrm { C O } _ { 2 }$" → "CO2"."""
    formula = match.group(1)
    for command, symbol in LATEX_SYMBOLS.items():
        formula = formula.replace(command, symbol)
    formula = re.sub(r"\\[A-Za-z]+", "", formula)
    return re.sub(r"[{}^_\s]", "", formula)


def normalise_text(text: str) -> str:
    text = text.replace("\u3000", " ").replace("\xa0", " ").replace("\r", "")
    text = LATEX_MATH.sub(delatex, text)
    # Circled digits are footnote marks ("婴幼儿①保育"); mixed brackets are OCR noise.
    text = re.sub("[\u2460-\u2473]", "", text)
    text = text.replace("(", "（").replace(")", "）")
    return "\n".join(SPACE_NEAR_CJK.sub("", line).strip() for line in text.split("\n"))


def bracket_depths(text: str) -> list[int]:
    depths = []
    depth = 0
    for char in text:
        if char in OPEN_BRACKETS:
            depth += 1
        elif char in CLOSE_BRACKETS:
            depth = max(depth - 1, 0)
        depths.append(depth)
    return depths


def after_last_top_level(text: str, marker: str) -> str:
    """The part after the last ``marker`` outside brackets (the whole text if there is none)."""
    depths = bracket_depths(text)
    positions = [i for i, char in enumerate(text) if char == marker and depths[i] == 0]
    return text[positions[-1] + 1 :] if positions else text


def split_top_level(text: str, separators: str) -> list[str]:
    """Split on separators that are not inside brackets (course names carry "（含…、…）")."""
    parts: list[str] = []
    current: list[str] = []
    for char, depth in zip(text, bracket_depths(text), strict=True):
        if char in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def section_of(heading: str) -> str:
    if "职业面向" in heading:
        return "occupation"
    if "课程" in heading:
        return "course"
    if "证书" in heading:
        return "certificate"
    return "other"


def iter_paragraphs(segment: str) -> Iterator[str]:
    for raw in segment.split("\n"):
        line = raw.strip()
        if not line:
            continue
        # A few lines end with the next heading glued on ("…变配电运维接续专业举例").
        if line.endswith("接续专业举例") and not HEADING.match(line):
            yield line.removesuffix("接续专业举例")
            yield "# 接续专业举例"
            continue
        yield line


def split_profiles(file_name: str, segment: str, code: str, name: str) -> list[Profile]:
    """Cut one code-line segment into profiles; a second 职业面向 heading starts an orphan."""
    profiles = [Profile(file_name, code, name)]
    section = "other"
    seen_occupation = False
    for paragraph in iter_paragraphs(segment):
        if HEADING.match(paragraph):
            section = section_of(paragraph)
            if section == "occupation":
                if seen_occupation:
                    profiles.append(Profile(file_name, "", ""))
                seen_occupation = True
            continue
        if paragraph.startswith(("专业代码", "专业名称", "基本修业年限")):
            continue
        current = profiles[-1].sections[section]
        label = LABEL.match(paragraph)
        # PDF page wraps split one list over two paragraphs ("增材制造设备操" / "作与维护").
        if (
            current
            and label is None
            and not paragraph.startswith(("面向", "主要面向", "本专业面向"))
            and not current[-1].endswith(("。", "；", ";"))
        ):
            current[-1] += paragraph
        else:
            current.append(paragraph)
    return profiles


def read_profiles(profile_dir: Path, report: ProfileReport) -> list[Profile]:
    profiles: list[Profile] = []
    for path in sorted(profile_dir.glob("*.md")):
        report.files += 1
        raw = path.read_text(encoding="utf-8")
        for match in re.finditer(r"^专业代码(\S.*)$", raw, re.M):
            # The strict form is "专业代码 510401"; record the lines that lack the space.
            report.loose_code_lines.append(f"{path.name}: 专业代码{match.group(1)}")
        text = normalise_text(raw)
        matches = list(CODE_LINE.finditer(text))
        report.code_lines += len(matches)
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
            segment = text[match.end() : end]
            name_match = NAME_LINE.search(segment)
            name = name_match.group(1) if name_match else ""
            profiles.extend(split_profiles(path.name, segment, match.group(1), name))
    return profiles


def assign_codes(
    profiles: list[Profile], majors: Sequence[Sequence[str]], report: ProfileReport
) -> list[tuple[str, Profile]]:
    """Resolve every profile to a catalogue code (by code, else name+level, else position)."""
    by_code = {row[0]: row for row in majors}
    by_name_level = {(row[1], row[2]): row[0] for row in majors}
    by_class: dict[str, list[str]] = defaultdict(list)
    for row in majors:
        if row[7] != NOTE_ADDED_2025:
            by_class[row[5]].append(row[0])
    profiled = {p.code for p in profiles if p.code}

    resolved: list[tuple[str, Profile]] = []
    for index, profile in enumerate(profiles):
        if not profile.code:
            continue
        code = profile.code
        if code in by_code and by_code[code][1] == profile.name:
            report.matched_by_code += 1
            resolved.append((code, profile))
        elif (profile.name, level_of_major_code(code)) in by_name_level:
            # An older edition may number a major differently; its name at the level decides.
            report.matched_by_name += 1
            resolved.append((by_name_level[(profile.name, level_of_major_code(code))], profile))
        else:
            report.unmatched.append(f"{profile.file}: {code} {profile.name}")

        # Profiles whose code and name lines were lost follow their predecessor; they take, in
        # order, the catalogue codes of the same 专业类 between this code line and the next one
        # that have no profile of their own (profiles list majors in code order).
        orphans = []
        for follower in profiles[index + 1 :]:
            if follower.code:
                break
            orphans.append(follower)
        if not orphans:
            continue
        report.orphans += len(orphans)
        next_code = next((p.code for p in profiles[index + 1 :] if p.code), "999999")
        if profiles[index + 1 :] and next_code[:4] != code[:4]:
            next_code = "999999"
        free = [
            c
            for c in sorted(by_class.get(code[:4], []))
            if code[:6] < c[:6] < next_code[:6] and c not in profiled
        ]
        for position, orphan in enumerate(orphans):
            if position < len(free):
                report.orphans_assigned.append((f"{orphan.file} after {code}", free[position]))
                resolved.append((free[position], orphan))
            else:
                report.orphans_dropped.append(f"{orphan.file} after {code}")
    return resolved


def protect_names(text: str, names: Sequence[str]) -> tuple[str, list[str]]:
    """Hide occupation names that contain list separators so the splitter keeps them whole."""
    kept: list[str] = []
    for name in names:
        if name in text:
            text = text.replace(name, f"\x00{len(kept)}\x00")
            kept.append(name)
    return text, kept


def restore_names(term: str, kept: Sequence[str]) -> str:
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], term)


def clean_term(term: str) -> str:
    term = term.strip().strip("。.：:")
    term = re.sub(r"^(?:和|及|以及|与|或|从事)", "", term)
    term = re.sub(r"等$", "", term)
    return term.strip()


def is_term(term: str) -> bool:
    return 2 <= len(term) <= MAX_TERM_LENGTH and term not in NO_CERTIFICATE


def rejoin_occupation_names(items: Sequence[str], known_names: AbstractSet[str]) -> list[str]:
    """Re-join 大典 names that hold a 、 but are not in the 2022 edition (profiles also cite 2015).

    In a "…等职业" list every item is an occupation; an item that is neither an agent noun nor a
    2022 name ("交通运输") is the head of a group name split at its 、 ("交通运输、仓储和邮政业服务
    人员"), and such group names end in 人员. Only short heads are joined, to stay conservative.
    """
    joined: list[str] = []
    for item in items:
        previous = joined[-1] if joined else ""
        if (
            item.endswith("人员")
            and 0 < len(previous) <= MAX_GROUP_HEAD
            and not AGENT_NOUN.search(previous)
            and previous not in known_names
            and "\x00" not in previous
        ):
            joined[-1] = f"{previous}、{item}"
        else:
            joined.append(item)
    return joined


def occupation_terms(
    paragraphs: Sequence[str], protected: Sequence[str], known_names: AbstractSet[str] = frozenset()
) -> list[str]:
    text = "".join(paragraphs)
    text = re.sub(r"^(?:本专业)?(?:主要)?面向", "", text)
    text, kept = protect_names(text, protected)
    terms: list[str] = []
    for clause in split_top_level(text, CLAUSE_SEPARATORS):
        # "面向政府机关、企事业单位和会计师事务所的审计、会计…": the employers before 的 are
        # context, the 岗位 after it are the terms.
        clause = after_last_top_level(clause, "的")
        suffix = OCCUPATION_SUFFIX.search(clause)
        clause = clause[: suffix.start()] if suffix else clause
        items = split_top_level(clause, "、")
        if suffix and "职业" in suffix.group(0):
            items = rejoin_occupation_names(items, known_names)
        for item in items:
            # "轻工机械等机械装备中零件制造工艺编制": keep the head after the ellipsis 等.
            if not item.endswith("等"):
                item = after_last_top_level(item, "等")
            for part in CONJOINED_AGENTS.split(restore_names(item, kept)):
                term = clean_term(part)
                if is_term(term) and term not in GENERIC_FRAGMENTS:
                    terms.append(term)
    return terms


def labelled_terms(paragraphs: Sequence[str], label_pattern: re.Pattern[str]) -> list[str]:
    terms: list[str] = []
    for paragraph in paragraphs:
        label = LABEL.match(paragraph)
        if label is None or not label_pattern.match(label.group(1)):
            continue
        body = paragraph[label.end() :]
        for item in split_top_level(body, LIST_SEPARATORS + "。"):
            term = clean_term(item)
            if is_term(term):
                terms.append(term)
    return terms


def build_major_terms(
    source: Path, majors: Sequence[Sequence[str]], occupations: Sequence[Sequence[str]]
) -> tuple[list[list[str]], ProfileReport]:
    report = ProfileReport()
    profiles = read_profiles(source / "major_profiles", report)
    # Longest first so that a longer official name is protected before a name it contains.
    protected = sorted(
        {row[1] for row in occupations if any(sep in row[1] for sep in LIST_SEPARATORS)},
        key=lambda n: (-len(n), n),
    )
    known_names = frozenset(row[1] for row in occupations)
    collected: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for code, profile in assign_codes(profiles, majors, report):
        sections = profile.sections
        found = {
            "occupation": occupation_terms(sections.get("occupation", []), protected, known_names),
            # Course and certificate lines are recognised by their labels wherever they sit,
            # because a few profiles use non-standard headings for these sections.
            "course": labelled_terms([p for s in sections.values() for p in s], COURSE_LABEL),
            "certificate": labelled_terms([p for s in sections.values() for p in s], CERT_LABEL),
        }
        for kind, terms in found.items():
            collected[code][kind].update(terms)

    kind_order = {kind: index for index, kind in enumerate(TERM_KINDS)}
    rows = sorted(
        (
            [code, kind, term]
            for code, kinds in collected.items()
            for kind, terms in kinds.items()
            for term in terms
        ),
        key=lambda r: (r[0], kind_order[r[1]], r[2]),
    )
    report.majors_with_terms = len({r[0] for r in rows})
    report.terms = {kind: sum(1 for r in rows if r[1] == kind) for kind in TERM_KINDS}
    return rows, report


# --------------------------------------------------------------------------- entry point


def build(source: Path, out: Path) -> ProfileReport:
    majors = build_majors(source)
    occupations = build_occupations(source)
    terms, report = build_major_terms(source, majors, occupations)
    write_csv(
        out / "majors.csv",
        [
            "code",
            "name",
            "level",
            "category_code",
            "category_name",
            "class_code",
            "class_name",
            "note",
        ],
        majors,
    )
    write_csv(out / "major_terms.csv", ["major_code", "kind", "term"], terms)
    write_csv(
        out / "industries.csv", ["code", "name", "level", "parent_code"], build_industries(source)
    )
    write_csv(
        out / "occupations.csv",
        ["code", "name", "level", "parent_code", "gbm", "mark"],
        occupations,
    )
    write_csv(out / "regions.csv", ["code", "name", "level", "parent_code"], build_regions(source))
    write_csv(
        out / "strategic_emerging.csv",
        ["industry_code", "area", "path", "partial", "key_products"],
        build_strategic_emerging(source),
    )
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    report = build(args.source, args.out)
    logger.info(
        "profiles: %d files, %d code lines (%d without the space), %d matched by code, "
        "%d by name+level, %d unmatched",
        report.files,
        report.code_lines,
        len(report.loose_code_lines),
        report.matched_by_code,
        report.matched_by_name,
        len(report.unmatched),
    )
    logger.info(
        "orphan profiles (code line lost): %d, assigned %d, dropped %d",
        report.orphans,
        len(report.orphans_assigned),
        len(report.orphans_dropped),
    )
    for line in report.loose_code_lines:
        logger.info("  loose code line: %s", line)
    for where, code in report.orphans_assigned:
        logger.info("  orphan %s -> %s", where, code)
    for where in report.orphans_dropped:
        logger.info("  orphan dropped: %s", where)
    logger.info("majors with terms: %d; terms %s", report.majors_with_terms, report.terms)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
