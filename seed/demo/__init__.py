"""The demo city: a deterministic synthetic city modelled on Chongqing (重庆市, region 500000).

``chanjiao seed demo [--scale N] [--seed S]`` (``CHANJIAO_ENVIRONMENT=demo`` only) builds it with
:func:`generate_city` (pure: rows in the bulk-import format, no database) and loads it with
:func:`seed.demo.loader.load_demo` through the platform's own operations — the bulk import for
organisations, programmes, cohorts, demand forecasts, students and positions; account creation; the
positions operations for the two planted drafts — in one transaction. A second run finds the park
organisation (its code is :data:`PARK_CODE`) and returns without writing.

The city at scale 1 (exact; --scale N multiplies schools, enterprises, positions, students)
----------------------------------------------------------------------------------------
- one 产业园区-based 市域产教联合体: the park 重庆两江智造产业园区管理委员会 (渝北区) and the
  government body 重庆市教育委员会, which also publish demand forecasts;
- 40 schools: 16 中职 (学校标识码 3650 + 6 digits), 20 高职专科 and 4 职教本科 (41500 + 5
  digits), running 66 majors of their own level's catalogue (seed/data/majors.csv) in 200
  programmes, with enrolment plans 2022–2026 and graduate cohorts for 2022–2026;
- 400 enterprises in Chongqing's districts with valid 统一社会信用代码 (district code in
  positions 3–8, a GB 11714 organisation code, the check character), GB/T 4754 industries
  weighted towards the city's (automobiles 36xx, electronics and integrated circuits 39xx,
  equipment 34xx/35xx, biomedicine 27xx, materials 30xx/31xx/32xx, consumer goods
  17xx/18xx/19xx, elderly care 8514/8515 …) and staff counts;
- 3 000 positions: 2 698 closed (starting 2022-01-01 … 2026-11-20), 300 open now (closing 8–97
  days after the seeding day: 2026-12-01 … 2027-02-28 when seeded on 2026-11-23) and 2 drafts
  (for the next spring); 1 507 jobs (4 500–9 000 元/月), 1 056 internships
  (2 500–4 500 元/月, at least 80 % of the same post's wage, within 10 % of the staff) and
  435 apprenticeships; 1 584 demand forecasts (2022–2027); 2 000 students (classes of 2027–28);
- five accounts, one per role (demo_admin, demo_regulator, demo_school, demo_enterprise,
  demo_student); passwords derived from the seed, printed by the command;
- applications, made through the application operations after the rows are loaded: demo_student
  (a 护理 student of demo_school, with a profile) and six classmates (accounts with unprinted
  random passwords) apply to demo_enterprise's open position, which fills (five accepted, one
  rejected, one closed) and so becomes ``filled``; demo_student also has one application submitted
  and one withdrawn at other enterprises;
- notifications of all that, sent by the operations themselves (demo_student: its offer; the
  enterprise: applications received, accepted, declined; the region's schools and enterprises: the
  lists published); demo_student keeps a 护理 position and a saved search “护理岗位” kept a month
  ago, whose daily digest has run once (one more unread notification with its new positions);
- work waiting for review (seed/demo/waiting.py): two self-registrations (an enterprise and a
  中职 school, 待审核), the demo enterprise's request to move to 渝北区 (身份信息变更), and the
  education commission's placement round 2027年春季岗位实习双选（第一轮） (six open internship and
  apprenticeship positions, demo_student and eleven classmates, choices open for two weeks).

"Today" is the seeding day in China, passed to :func:`generate_city` (default
:data:`~seed.demo.generator.REFERENCE_DAY` = 2026-11-23, the day the figures were planned on);
the generator reads no clock, so the same seed on the same day gives the same city. Every random
draw comes from ``random.Random`` seeded with the seed and a component name.

Planted structure (mismatch report for 500000, report year 2026, national profile)
--------------------------------------------------------------------------------
Demand per major and year is planned as a 供求比 target × that year's graduates: jobs and
apprenticeships take up to half of it, 人才需求发布 forecasts the rest (internships are places,
not demand). Targets sit far from the thresholds (:mod:`seed.demo.plan`).

- 撤并 (merge_or_close), 设置雷同、供给过剩: 530302 大数据与会计 (8 sites) and 730301 会计事务
  (中职, 6 sites) — 供求比 0.42 in 2025 and 0.34 in 2026.
- 撤并, 去向落实率 below 60 % two years running: 580401 法律事务 and 770201 商务英语 (中职) —
  about 55 % in 2025 and 52 % in 2026.
- 撤并, 职业岗位消失: 480302 印刷媒体技术 (2 sites) — demand in 2026 about 10 % of 2023's,
  供求比 0.12.
- 调减 (reduce): 530605 市场营销 — 去向落实率 53 % in 2026 only (75 % in 2025); 730602 市场营销
  (中职) — 供求比 0.42 in 2026 only (0.64 in 2025).
- 改造升级 (upgrade): 430701 建筑材料工程技术 (建材) and 480401 现代纺织技术 (轻纺) — demand in
  2026 about 60 % of 2023's, 供求比 about 0.8, 去向落实率 about 86 %.
- 扩招 (expand): 520201 护理, 720201 护理 (中职), 520802 婴幼儿托育服务与管理, 590302 智慧健康养老
  服务与管理, 790303 老年人服务与管理 (中职), 510401 集成电路技术 — 供求比 about 2.3, each serving
  护理 / 托育 / 养老 / 集成电路 in seed/data/priority_industries.json.
- 保持 (keep): the other 51 majors — 供求比 0.8–1.25, 去向落实率 84–96 %, demand not falling;
  among them 490201 药品生产技术 (医药) and 430401 钢铁智能冶金技术 (冶金), traditional majors
  whose demand holds.

Posting rules: the demo enterprise 重庆山城车身系统股份有限公司 drafts 生产储备干部, whose
description asks for "限男性，本地户籍，全日制本科" (three 就业歧视 findings), and
总装车间岗位实习生（2027春季）, paying 3 000 元 against a same-post wage of 5 000 元 (below 80 %).
The loader offers both for publication as that enterprise's account; both are refused and stay
drafts, and each refusal is in the audit log (action ``publish_refused``) with its findings.
"""

from seed.demo.generator import (
    DEFAULT_SEED,
    PARK_CODE,
    REFERENCE_DAY,
    Account,
    DemoCity,
    generate_city,
)

__all__ = ["DEFAULT_SEED", "PARK_CODE", "REFERENCE_DAY", "Account", "DemoCity", "generate_city"]
