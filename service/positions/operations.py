"""Positions: drafting, publishing under the posting rules, closing, search, apprentice share.

Who sees and who changes a position: service/position_access.py (an enterprise changes only its
own positions; one it may not see is 404, one it sees but does not own 403).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any, cast

from sqlmodel import Session, col

from matching import search_text
from matching.resolve import Resolution
from matching.text import normalize_major_name
from models import Organization, OrganizationStatus, Position, PositionStatus, Role, User
from models.base import utcnow
from rules.screen import Finding
from service import audit, clock, metrics
from service import position_access as access
from service.applications import operations as applications
from service.catalog import operations as catalog
from service.catalog.files import DEFAULT_DATA_DIR
from service.catalog.schemas import MajorResolutionPublic
from service.errors import AppError, Conflict, Forbidden, Invalid, field_detail
from service.organizations import operations as organizations
from service.pagination import PageParams
from service.positions import compliance, repository, search
from service.positions.schemas import (
    COUNT_CAP,
    ApprenticeShareReport,
    ComplianceCheck,
    EnterpriseShare,
    FindingPublic,
    PositionCreate,
    PositionPublic,
    PositionSearch,
    PositionSearchPage,
    PositionUpdate,
    PositionView,
    ShareGroup,
    ShareTarget,
)
from service.positions.search_cache import ResponseCache

ENTITY = "position"
SCHEDULER_ACTOR = "scheduler"
SEARCH_FIELDS = {"search_title", "search_body"}  # derived, never audited
EDITABLE = (PositionStatus.draft, PositionStatus.open)
REQUIRED_FIELDS = frozenset(
    {"kind", "title", "description", "skills", "region_code", "headcount", "start_date"}
    | {"order_training", "requirements"}
)


# ---------------------------------------------------------------- helpers


def _region_name(session: Session, code: str, name: str) -> str:
    """A municipality's 市辖区 / 县 reads as the municipality (重庆市), not as 市辖区."""
    if name in catalog.NOMINAL_CITY_NAMES:
        return catalog.region_display_name(session, code)
    return name


def _view(session: Session, position: Position, viewer: User | None) -> PositionView:
    enterprise_name, region_name = repository.names_of(session, position)
    return PositionView(
        position=position,
        enterprise_name=enterprise_name,
        region_name=_region_name(session, position.region_code, region_name),
        enterprise_code=repository.enterprise_codes(session, [position.enterprise_id]).get(
            position.enterprise_id, ""
        ),
        majors=repository.majors_of(session, [position.id])[position.id],
        privileged=access.privileged(session, viewer, position),
    )


def _views(
    session: Session, rows: Sequence[tuple[Position, str, str]], viewer: User | None
) -> list[PositionView]:
    majors = repository.majors_of(session, [position.id for position, _, _ in rows])
    codes = repository.enterprise_codes(
        session, [position.enterprise_id for position, _, _ in rows]
    )
    privileged = access.privilege(session, viewer)
    return [
        PositionView(
            position=position,
            enterprise_name=enterprise,
            region_name=_region_name(session, position.region_code, region),
            enterprise_code=codes.get(position.enterprise_id, ""),
            majors=majors[position.id],
            privileged=privileged(position),
        )
        for position, enterprise, region in rows
    ]


def _shown_views(
    session: Session, ids: Sequence[uuid.UUID], viewer: User | None
) -> list[PositionView]:
    """The views of the positions ``ids`` in that order, from Core rows
    (:func:`repository.shown_rows_by_id`): a row has the position's columns as attributes,
    which is all a view reads of its position."""
    rows = repository.shown_rows_by_id(session, ids)
    majors = repository.majors_of(session, ids)
    privileged = access.privilege(session, viewer)
    views = []
    for position_id in ids:
        row = rows[position_id]
        position = cast(Position, row)
        views.append(
            PositionView(
                position=position,
                enterprise_name=row.enterprise_name,
                region_name=_region_name(session, row.region_code, row.region_name),
                enterprise_code=row.enterprise_code or "",
                majors=majors[position_id],
                privileged=privileged(position),
            )
        )
    return views


def _dump(position: Position) -> dict[str, Any]:
    # Enum columns are loaded as plain strings; pydantic would warn about each of them.
    return position.model_dump(warnings=False, exclude=SEARCH_FIELDS)


def _audited_state(position: Position, major_codes: list[str]) -> dict[str, Any]:
    """The position as the audit log keeps it: its columns and the majors it asks for."""
    return {**_dump(position), "majors": major_codes}


def _enterprise_of(session: Session, actor: User) -> Organization:
    """The actor's enterprise; a suspended one changes nothing."""
    organization = (
        session.get(Organization, actor.organization_id) if actor.organization_id else None
    )
    if organization is None or actor.role != Role.enterprise:
        raise Forbidden("仅企业账户可以管理岗位")
    if organization.status == OrganizationStatus.suspended:
        raise Forbidden("机构已被暂停，不能管理岗位")
    return organization


def _owned(session: Session, actor: User, position_id: uuid.UUID) -> Position:
    """A position of the actor's enterprise (see service/position_access.py)."""
    _enterprise_of(session, actor)
    return access.owned(session, actor, session.get(Position, position_id), "只能管理本企业的岗位")


def _resolve_majors(session: Session, inputs: Sequence[str], level: str | None) -> list[Resolution]:
    """Catalogue resolution of codes or names; any unresolved input is a 422 naming candidates."""
    if not inputs:
        return []
    resolutions = catalog.resolve_majors(session, inputs, level)
    problems = []
    for index, resolution in enumerate(resolutions):
        if resolution.resolved:
            continue
        problems.append(
            field_detail(
                f"majors.{index}",
                catalog.unresolved_message(resolution, level),
                candidates=[candidate.to_dict() for candidate in resolution.candidates],
            )
        )
    if problems:
        raise Invalid("需求专业无法识别", details=problems)
    return resolutions


def _split_classes(
    session: Session, inputs: Sequence[str], level: str | None
) -> tuple[list[str], list[catalog.MajorClass]]:
    """Inputs naming a 专业类 as a whole (5102, 计算机类) apart from those naming majors."""
    classes = [
        catalog.resolve_class(session, text, level)
        for text in inputs
        if catalog.names_a_class(text)
    ]
    return [text for text in inputs if not catalog.names_a_class(text)], classes


def _class_public(
    inputs: Sequence[str], classes: Sequence[catalog.MajorClass]
) -> list[MajorResolutionPublic]:
    named = [text for text in inputs if catalog.names_a_class(text)]
    return [MajorResolutionPublic.of_class(t, c) for t, c in zip(named, classes, strict=True)]


def _resolution_public(resolutions: Sequence[Resolution]) -> list[MajorResolutionPublic]:
    return [MajorResolutionPublic.of(r) for r in resolutions]


def _unique_codes(resolutions: Sequence[Resolution]) -> list[str]:
    return list(dict.fromkeys(r.code for r in resolutions if r.code is not None))


def date_problems(
    start: date | None, end: date | None, closing: date | None
) -> list[tuple[str, str]]:
    """(field, message) for dates that contradict each other: the form and the import share it."""
    problems = []
    if start is not None and end is not None and end < start:
        problems.append(("end_date", "结束日期不能早于到岗日期"))
    if closing is not None and end is not None and closing > end:
        problems.append(("closing_date", "报名截止日期不能晚于结束日期"))
    return problems


def index_position(session: Session, position: Position, major_codes: Sequence[str]) -> None:
    """Set the position's search words from its title, description, requirements, skills and
    majors' names."""
    names = repository.major_names(session, major_codes)
    position.search_title = search_text.index_words(position.title)
    position.search_body = search_text.index_words(
        position.description,
        position.requirements,
        position.skills,
        [names[c] for c in major_codes if c in names],
    )


def _field_problems(session: Session, values: dict[str, Any]) -> list[dict[str, Any]]:
    """Checks across fields, on the position as it would be saved."""
    problems = [
        field_detail(field, message)
        for field, message in date_problems(
            values["start_date"], values.get("end_date"), values.get("closing_date")
        )
    ]
    if not repository.region_exists(session, values["region_code"]):
        problems.append(field_detail("region_code", f"行政区划代码不存在：{values['region_code']}"))
    occupation = values.get("occupation_code")
    if occupation and not repository.occupation_exists(session, occupation):
        problems.append(
            field_detail("occupation_code", f"职业代码不存在（职业分类大典2022）：{occupation}")
        )
    return problems


def _ensure_title_free(
    session: Session, enterprise_id: uuid.UUID, title: str, start: date, own: uuid.UUID | None
) -> None:
    existing = repository.position_with_title(session, enterprise_id, title, start)
    if existing is not None and existing != own:
        raise Conflict(
            "本企业已有同名且到岗日期相同的岗位",
            details=[field_detail("title", "同一到岗日期下岗位名称不能重复")],
        )


def _blocked(findings: Sequence[Finding]) -> AppError:
    return AppError(
        "岗位不符合发布规定，请按提示修改后再发布",
        code="compliance_blocked",
        status_code=422,
        # Each detail is the finding itself: the category, the words as written in context, the
        # source and the fair wording to use instead, for the enterprise's page to show inline.
        details=[
            field_detail(
                **{k: v for k, v in f.to_dict().items() if k != "message"}, message=f.message
            )
            for f in findings
        ],
    )


def _draft_findings(candidate: Position) -> list[dict[str, Any]]:
    """A draft's screened texts: what the words would draw at publication (blocking or not),
    kept on the draft for its enterprise to see; nothing blocks a draft. The figures are checked
    when it is published."""
    facts = compliance.facts_of(candidate, staff_count=None, existing_interns=0)
    return [f.to_dict() for f in compliance.check_facts(facts) if f.category]


def _checked_findings(session: Session, candidate: Position) -> list[dict[str, Any]]:
    """The warnings to store; raises ``compliance_blocked`` when any finding blocks."""
    findings = compliance.check(session, candidate)
    blocking = [f for f in findings if f.severity == "blocking"]
    if blocking:
        raise _blocked(blocking)
    return [f.to_dict() for f in findings]


# ---------------------------------------------------------------- writes


def create_position(
    session: Session, actor: User, data: PositionCreate
) -> tuple[PositionView, list[MajorResolutionPublic]]:
    """A draft position of the actor's enterprise."""
    enterprise = _enterprise_of(session, actor)
    values = data.model_dump(exclude={"majors", "major_level"})
    values["region_code"] = values["region_code"] or enterprise.region_code
    problems = _field_problems(session, values)
    if problems:
        raise Invalid("岗位信息有误", details=problems)
    major_inputs, classes = _split_classes(session, data.majors, data.major_level)
    resolutions = _resolve_majors(session, major_inputs, data.major_level)
    _ensure_title_free(session, enterprise.id, data.title, data.start_date, None)
    position = Position(**values, enterprise_id=enterprise.id, status=PositionStatus.draft)
    position.compliance_findings = _draft_findings(position)
    session.add(position)
    session.flush()
    codes = _unique_codes(resolutions)
    repository.replace_majors(session, position.id, codes)
    repository.replace_classes(session, position.id, sorted({c.code for c in classes}))
    index_position(session, position, codes)
    session.flush()
    audit.record(
        session, actor, "create", ENTITY, position.id, None, _audited_state(position, codes)
    )
    return _view(session, position, actor), _resolution_public(resolutions) + _class_public(
        data.majors, classes
    )


def update_position(
    session: Session, actor: User, position_id: uuid.UUID, changes: PositionUpdate
) -> tuple[PositionView, list[MajorResolutionPublic]]:
    """Edit a draft or an open position; an open one must still pass the posting rules."""
    position = _owned(session, actor, position_id)
    if position.status not in EDITABLE:
        raise Conflict("已关闭或已招满的岗位不能修改")
    updates = changes.model_dump(exclude_unset=True, exclude={"majors", "major_level"})
    # An explicit null clears an optional figure; on a required field it means "unchanged".
    updates = {k: v for k, v in updates.items() if v is not None or k not in REQUIRED_FIELDS}
    merged = {**_dump(position), **updates}
    problems = _field_problems(session, merged)
    if problems:
        raise Invalid("岗位信息有误", details=problems)
    major_inputs, classes = _split_classes(session, changes.majors or [], changes.major_level)
    resolutions = (
        _resolve_majors(session, major_inputs, changes.major_level)
        if changes.majors is not None
        else []
    )
    if "title" in updates or "start_date" in updates:
        _ensure_title_free(
            session, position.enterprise_id, merged["title"], merged["start_date"], position.id
        )
    if position.status == PositionStatus.open:
        findings = _checked_findings(session, Position(**merged))
    else:
        findings = _draft_findings(Position(**merged))
    before = _audited_state(position, repository.major_codes_of(session, position.id))
    for field, value in updates.items():
        setattr(position, field, value)
    position.compliance_findings = findings
    position.updated_at = utcnow()
    session.add(position)
    session.flush()
    codes = before["majors"]
    if changes.majors is not None:
        codes = _unique_codes(resolutions)
        repository.replace_majors(session, position.id, codes)
        repository.replace_classes(session, position.id, sorted({c.code for c in classes}))
    index_position(session, position, codes)
    session.flush()
    after = _audited_state(position, codes)
    audit.record(session, actor, "update", ENTITY, position.id, before, after)
    return _view(session, position, actor), _resolution_public(resolutions) + _class_public(
        changes.majors or [], classes
    )


def publish_position(session: Session, actor: User, position_id: uuid.UUID) -> PositionView:
    """Draft → open, if the enterprise is verified and no posting rule blocks it.

    Warnings are stored on the position (regulators list them); blocking findings stop publication
    with ``compliance_blocked`` and change nothing.
    """
    position = _owned(session, actor, position_id)
    if position.status != PositionStatus.draft:
        raise Conflict("只有草稿状态的岗位可以发布")
    enterprise = _enterprise_of(session, actor)
    if enterprise.status != OrganizationStatus.verified:
        raise Forbidden("机构尚未通过审核，暂不能发布岗位")
    today = clock.today()
    if position.closing_date is not None and position.closing_date < today:
        raise Invalid(
            "报名截止日期已过",
            details=[field_detail("closing_date", f"报名截止日期{position.closing_date}早于今天")],
        )
    try:
        findings = _checked_findings(session, position)
    except AppError as refused:
        # The refusal is kept (the session commits it, see AppError.keep_writes): regulators
        # see who tried to publish what, and which words tripped the rule.
        audit.record(
            session,
            actor,
            "publish_refused",
            ENTITY,
            position.id,
            None,
            {"title": position.title, "findings": refused.details},
        )
        session.flush()
        refused.keep_writes = True
        raise
    before = audit.snapshot(position)
    position.status = PositionStatus.open
    position.compliance_findings = findings
    position.published_at = position.updated_at = utcnow()
    session.add(position)
    session.flush()
    audit.record(session, actor, "publish", ENTITY, position.id, before, position)
    return _view(session, position, actor)


def check_position(session: Session, actor: User, position_id: uuid.UUID) -> ComplianceCheck:
    """The posting rules applied to one of the actor's positions as it stands; changes nothing.

    The same check publication runs, so an enterprise can see why a draft would be refused.
    """
    position = _owned(session, actor, position_id)
    findings = compliance.check(session, position)
    return ComplianceCheck(
        publishable=not any(f.severity == "blocking" for f in findings),
        findings=[FindingPublic(**f.to_dict()) for f in findings],
    )


def close_position(session: Session, actor: User, position_id: uuid.UUID) -> PositionView:
    position = _owned(session, actor, position_id)
    if position.status != PositionStatus.open:
        raise Conflict("只有招聘中的岗位可以关闭")
    before = audit.snapshot(position)
    position.status = PositionStatus.closed
    position.updated_at = utcnow()
    session.add(position)
    session.flush()
    audit.record(session, actor, "close", ENTITY, position.id, before, position)
    # Its pending applications can no longer be accepted: they close with it, visibly.
    applications.close_pending(session, actor, [position.id], "close_closed", "岗位已关闭")
    return _view(session, position, actor)


def close_expired_positions(session: Session, today: date | None = None) -> int:
    """Close every open position whose closing date has passed (the scheduled job); idempotent."""
    expired = repository.expired_open_positions(session, today or clock.today())
    closed = repository.close_positions(session, [pid for pid, _ in expired], utcnow())
    applications.close_pending(
        session,
        SCHEDULER_ACTOR,
        [pid for pid, _ in expired],
        "close_expired",
        "岗位报名已截止，岗位已关闭",
    )
    audit.record_many(
        session,
        SCHEDULER_ACTOR,
        "close_expired",
        ENTITY,
        [
            (pid, {"status": "open"}, {"status": "closed", "closing_date": closing})
            for pid, closing in expired
        ],
    )
    return closed


# ---------------------------------------------------------------- reads


def read_position(session: Session, viewer: User | None, position_id: uuid.UUID) -> PositionView:
    """Published positions of verified enterprises are public; the rest only for their owner and
    for regulators and admins of their region (service/position_access.py)."""
    position = access.seen(session, viewer, session.get(Position, position_id))
    return _view(session, position, viewer)


def _search_majors(session: Session, major: str) -> list[str]:
    """The codes a search's major filter means: the code given, or the major a name resolves to
    (every level's, when the name is exactly one at several levels); otherwise a 422 with the
    catalogue's candidates, never a silently empty list."""
    resolution = catalog.resolve_major(session, major)
    if resolution.resolved and resolution.code is not None:
        return [resolution.code]
    named = normalize_major_name(major)
    same_name = [c.code for c in resolution.candidates if normalize_major_name(c.name) == named]
    if same_name:
        return same_name
    raise Invalid(
        "需求专业无法识别",
        details=[
            field_detail(
                "major",
                catalog.unresolved_message(resolution),
                candidates=[candidate.to_dict() for candidate in resolution.candidates],
            )
        ],
    )


def _index_query(
    session: Session, filters: PositionSearch, page: PageParams
) -> tuple[Any, Any] | None:
    """The question for this process's in-memory index (service/positions/text_index.py) and
    the index, when it holds what the search asks: no word of a single character (a prefix),
    positions taking applications, a region of county level or above. None: the database
    answers (also while the index is being built)."""
    terms = search_text.query_terms(filters.q)
    if any(len(term) < 2 for term in terms) or not filters.open_only:
        return None
    from service.positions import text_index  # numpy: only where a search runs

    holder = text_index.holder_for(session)
    if holder is None or holder.index is None:
        return None
    prefixes: tuple[str, ...] | None = None
    if filters.industry:
        prefixes = (
            (filters.industry,)
            if filters.industry.isdigit()
            else repository.industry_divisions(session, filters.industry)
        )
    majors = _search_majors(session, filters.major) if filters.major else None
    region: str | None = None
    if filters.region:
        scope = catalog.region_scope(session, filters.region)
        if scope.level not in search.INDEXED_REGION_LEVELS:
            return None
        region = scope.code
    since = None
    if filters.published_from is not None:
        since = datetime.combine(filters.published_from, time(), tzinfo=clock.CHINA)
    enterprise_id = None
    if filters.enterprise:
        enterprise_id = repository.enterprise_id_of(session, filters.enterprise) or uuid.uuid4()
    query = text_index.Query(
        terms=terms,
        region_word=None if region is None else search_text.region_word(region),
        sort=filters.sort or ("relevance" if terms else "newest"),
        offset=page.offset,
        limit=page.page_size,
        cap=COUNT_CAP,
        today=clock.today(),
        kind=None if filters.kind is None else filters.kind.value,
        enterprise_id=enterprise_id,
        min_pay=filters.min_pay,
        published_since=since,
        start_from=filters.start_from,
        start_to=filters.start_to,
        closing_from=filters.closing_from,
        industry_prefixes=prefixes,
        majors=majors,
    )
    return holder, query


def _index_answer(
    session: Session, filters: PositionSearch, page: PageParams
) -> tuple[Any, Any] | None:
    """The index's holder and its answer (ids, count) to the search, or None (the database
    answers: see :func:`_index_query`)."""
    asked = _index_query(session, filters, page)
    if asked is None:
        return None
    holder, query = asked
    answer = holder.search(session, query)
    return None if answer is None else (holder, answer)


def _from_index(
    session: Session, viewer: User | None, filters: PositionSearch, page: PageParams
) -> tuple[list[PositionView], int, bool] | None:
    """The search answered by the in-memory index, as views (see :func:`_index_query`)."""
    found = _index_answer(session, filters, page)
    if found is None:
        return None
    answer = found[1]
    try:
        views = _shown_views(session, answer.ids, viewer)
    except KeyError:  # a position of the page deleted since: the database answers
        return None
    return views, answer.count, answer.capped


_EMPTY_PAGE = b'{"data":[]'


def _anonymous_body_from_index(
    session: Session, filters: PositionSearch, page: PageParams
) -> bytes | None:
    """An anonymous search's JSON from the in-memory index: each position's JSON as rendered
    the first time a page showed it (kept by the index until the position is written again),
    the others rendered from one read — the bytes :func:`search_positions_json` sends
    otherwise (tests compare them)."""
    found = _index_answer(session, filters, page)
    if found is None:
        return None
    holder, answer = found
    day = clock.today()
    kept = holder.fragments(answer, day)
    missing = [i for i in answer.ids if i not in kept]
    if missing:
        try:
            views = _shown_views(session, missing, None)
        except KeyError:  # a position of the page deleted since: the database answers
            return None
        shown = [PositionPublic.from_view(view) for view in views]
        rendered = {item.id: item.__pydantic_serializer__.to_json(item) for item in shown}
        holder.keep(answer, rendered, day)
        kept = {**kept, **rendered}
    head = PositionSearchPage(data=[], count=answer.count, count_capped=answer.capped)
    tail = head.__pydantic_serializer__.to_json(head)[len(_EMPTY_PAGE) :]
    return b'{"data":[' + b",".join(kept[i] for i in answer.ids) + b"]" + tail


def search_positions(
    session: Session, viewer: User | None, filters: PositionSearch, page: PageParams
) -> tuple[list[PositionView], int, bool]:
    """The public search: published positions of verified enterprises matching every word of
    ``q`` (the full-text index) and the filters; by relevance when there are words, else newest
    first, or by pay or closing date, with the id as tie-break (stable pages).

    Returns the page, the count (exact up to ``COUNT_CAP``) and whether the count was capped.
    """
    indexed = _from_index(session, viewer, filters, page)
    if indexed is not None:
        return indexed
    conditions: list[Any] = []
    search.search_settings(session)
    terms = search_text.query_terms(filters.q)
    sort = filters.sort or ("relevance" if terms else "newest")
    # With words, the region is one more word of the full-text query (the index intersects both);
    # without, a range on the region code's index.
    region: str | None = None
    region_range: tuple[str, str, str] | None = None
    if filters.region:
        scope = catalog.region_scope(session, filters.region)
        if terms and scope.level in search.INDEXED_REGION_LEVELS:
            region = scope.code
            region_range = (scope.code, scope.low, scope.high)
        else:
            conditions.append(search.region_filter(session, scope.low, scope.high))
    if filters.open_only:
        conditions.extend(repository.taking_applications(clock.today()))
    if filters.kind is not None:
        conditions.append(col(Position.kind) == filters.kind)
    if filters.enterprise:
        # One enterprise: its id from the code (unique index), then the enterprise_id index.
        conditions.append(
            col(Position.enterprise_id) == repository.enterprise_id_of(session, filters.enterprise)
        )
    if filters.industry:
        conditions.append(repository.industry_condition(filters.industry))
    if filters.major:
        conditions.append(repository.asks_for_major(_search_majors(session, filters.major)))
    if filters.min_pay is not None:
        conditions.append(col(Position.monthly_pay) >= filters.min_pay)
    if filters.published_from is not None:
        # A local date; compared in UTC, as the timestamps are stored (SQLite keeps no zone).
        since = datetime.combine(filters.published_from, time(), tzinfo=clock.CHINA)
        conditions.append(col(Position.published_at) >= since.astimezone(UTC))
    if filters.start_from is not None:
        conditions.append(col(Position.start_date) >= filters.start_from)
    if filters.start_to is not None:
        conditions.append(col(Position.start_date) <= filters.start_to)
    if filters.closing_from is not None:
        conditions.append(repository.open_on(filters.closing_from))
    counted: tuple[int, bool] | None = None
    if terms and not search.date_windows(session):
        # SQLite: the page and the count in one statement over the index's matches.
        joined = search.joined_text_match(session, terms, ranked=sort == "relevance", region=region)
        found = search.text_page(
            session, conditions, joined, sort, COUNT_CAP, page.offset, page.page_size
        )
        return _shown_views(session, found.page, viewer), *found.count
    if terms and sort in ("relevance", "newest") and search.date_windows(session):
        # The count, the newest pages and relevance's candidates all come from the newest
        # matches, read once over the newest days that hold enough of them.
        newest = search.newest_matches(
            session,
            conditions,
            terms,
            region_range,
            COUNT_CAP,
            ranked=sort == "relevance",
            offset=page.offset,
            limit=page.page_size,
        )
        if newest is not None:
            counted = newest.count
            # Relevance ranks the newest matches only; a newest page past them (past the cap's
            # + 1) is read below.
            end = page.offset + page.page_size
            if sort == "relevance" or not counted[1] or end <= COUNT_CAP + 1:
                return _shown_views(session, newest.page, viewer), *counted
    if counted is None and not terms:
        counted = search.capped_count(session, conditions, None, COUNT_CAP)
    elif counted is None:
        # The count needs no rank: bm25 over every match was most of SQLite's count (16 ms of
        # 17 ms for a word in 7 000 of 20 000 positions). Counted over the newest days first.
        counted = search.windowed_count(session, conditions, terms, region, COUNT_CAP)
    total, capped = counted
    text = search.text_match(session, terms, ranked=sort == "relevance", region=region)
    ids = search.search_page(
        session, conditions, text, sort, page.offset, page.page_size, COUNT_CAP, capped
    )
    return _shown_views(session, ids, viewer), total, capped


def search_positions_json(
    session: Session,
    viewer: User | None,
    filters: PositionSearch,
    page: PageParams,
    cache: ResponseCache,
) -> bytes:
    """:func:`search_positions` as the JSON the route sends.

    An anonymous search with words is answered by this process's in-memory index when it holds
    what the search asks (:func:`_index_query`), brought up to date first: never kept, since it
    is computed afresh at about the cost of a kept answer's check. Other anonymous answers come
    from ``cache`` while the search generation of their region is current (see
    service/positions/search_cache.py); the generation is read before the search runs."""
    if viewer is None:
        body = _anonymous_body_from_index(session, filters, page)
        if body is not None:
            metrics.SEARCH_ANSWERS.labels("index").inc()
            return body
    anonymous = viewer is None and cache.enabled
    if anonymous:
        key = (filters.model_dump_json(), page.offset, page.page_size, clock.today())
        generation = search.search_generation(session, filters.region)
        kept = cache.get(key, generation)
        if kept is not None:
            metrics.SEARCH_ANSWERS.labels("cache").inc()
            return kept
    views, count, capped = search_positions(session, viewer, filters, page)
    metrics.SEARCH_ANSWERS.labels("database" if viewer is None else "signed_in").inc()
    answer = PositionSearchPage(
        data=[PositionPublic.from_view(v) for v in views], count=count, count_capped=capped
    )
    body = answer.__pydantic_serializer__.to_json(answer)
    if anonymous:
        cache.put(key, generation, body)
    return body


def prune_search_changes(session: Session) -> int:
    """The nightly job: the search index's log of writes keeps a day (text_index.prune)."""
    from service.positions import text_index

    return text_index.prune(session)


def compact_search_generation(session: Session) -> int:
    """The nightly job: fold PostgreSQL's per-process write counts into one (sum unchanged)."""
    return search.compact_search_generation(session)


def my_positions(
    session: Session, actor: User, status: PositionStatus | None, page: PageParams
) -> tuple[list[PositionView], int]:
    """The actor's enterprise's positions, drafts included, newest first."""
    enterprise = _enterprise_of(session, actor)
    rows, total = repository.positions_of_enterprise(
        session, enterprise.id, status, page.offset, page.page_size
    )
    return _views(session, rows, actor), total


def positions_with_findings(
    session: Session,
    viewer: User,
    region: str | None,
    severity: str | None,
    page: PageParams,
    *,
    review: bool = False,
) -> tuple[list[PositionView], int]:
    """Published positions carrying compliance warnings, for regulators (of their region);
    ``review``: only those the review model marked 待人工复核."""
    region = organizations.scoped_region(session, viewer, region)
    condition = (
        catalog.region_scope(session, region).contains(col(Position.region_code))
        if region
        else None
    )
    rows, total = repository.positions_with_findings(
        session, condition, severity, page.offset, page.page_size, review=review
    )
    return _views(session, rows, viewer), total


# ---------------------------------------------------------------- apprentice share


def _ratio(posts: int, staff: int) -> float | None:
    return round(posts / staff, 4) if staff > 0 else None


def _group(row: tuple[str, str, int, int, int, int]) -> ShareGroup:
    code, name, enterprises, with_posts, staff, posts = row
    return ShareGroup(
        code=code,
        name=name,
        enterprises=enterprises,
        enterprises_with_apprentices=with_posts,
        staff_count=staff,
        apprentices=posts,
        share=_ratio(posts, staff),
    )


TARGETS_FILE = DEFAULT_DATA_DIR / "apprenticeship_targets.json"
SHARE_STATUS_LABELS = {"met": "达到目标", "below": "低于目标", "no_staff": "无在岗职工数据"}


@cache
def _targets() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(TARGETS_FILE.read_text(encoding="utf-8"))
    return data


def apprenticeship_target(session: Session, region: str | None) -> ShareTarget:
    """The target share of ``region``: its own, else its city's or province's, else the national
    default (data: seed/data/apprenticeship_targets.json; 000 任务 11 asks for “一定比例”)."""
    data = _targets()
    regions: dict[str, dict[str, Any]] = data["regions"]
    for code in catalog.region_ancestors(session, region) if region else []:
        if code in regions:
            found = regions[code]
            return ShareTarget(
                share=float(found["share"]),
                region=code,
                basis=found["basis"],
                source=data["source"],
            )
    default = data["default"]
    return ShareTarget(
        share=float(default["share"]), region=None, basis=default["basis"], source=data["source"]
    )


def apprenticeship_share(
    session: Session, viewer: User, region: str | None, page: PageParams, year: int | None = None
) -> ApprenticeShareReport:
    """Apprentices in ``year`` (accepted apprenticeship places whose period overlaps the year;
    this year by default) over 在岗职工总数, per verified enterprise, summed per county and per
    industry 大类, against the region's target share.

    docs/design/policy.md §3 apprentice share: 000 task 11; 001 indicator 4.4. Staff counts are
    the enterprises' current ones (no history is kept).
    """
    year = year or clock.today().year
    region = organizations.scoped_region(session, viewer, region)
    condition = (
        catalog.region_scope(session, region).contains(col(Organization.region_code))
        if region
        else None
    )
    enterprises, count = repository.enterprise_shares(
        session, condition, year, page.offset, page.page_size
    )
    total = _group(repository.share_groups(session, condition, "total", year)[0])
    target = apprenticeship_target(session, region)
    gap = None if total.share is None else round(total.share - target.share, 4)
    status = "no_staff" if gap is None else ("met" if gap >= 0 else "below")
    return ApprenticeShareReport(
        region=region,
        year=year,
        target=target,
        share=total.share,
        gap=gap,
        status=status,
        status_label=SHARE_STATUS_LABELS[status],
        total=total,
        by_region=[
            _group(row) for row in repository.share_groups(session, condition, "region", year)
        ],
        by_industry=[
            _group(row) for row in repository.share_groups(session, condition, "industry", year)
        ],
        enterprises=[
            EnterpriseShare(
                enterprise_id=eid,
                name=name,
                region_code=region_code,
                industry_code=industry,
                staff_count=staff,
                apprentices=posts,
                share=_ratio(posts, staff),
            )
            for eid, name, region_code, industry, staff, posts in enterprises
        ],
        count=count,
    )
