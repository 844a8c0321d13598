"""Bulk import and export: a file is one write transaction; an export imports back unchanged.

An import reads the file, checks every row against look-ups loaded once, and either reports every
problem (nothing written) or writes all rows with chunked upserts keyed on the natural keys, so a
second import of the same file changes nothing. The checks only read (:func:`check_file`, on a
read session) and the writes follow in one write transaction (:func:`write_prepared`); see the
note above :func:`import_upload`. It flushes, never commits: the CLI's ``session_scope`` or the
request's session commits once. The API calls :func:`import_upload`, the CLI the two phases, the
demo loader :func:`import_sheet`; all export through :func:`export_table`.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime
from queue import Full, Queue
from typing import IO, Any, TypeVar

from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import Session

from matching import search_text
from models import OrganizationStatus, Role, User, natural_id
from models.base import PUBLISHED_STATUSES, SUPERVISOR_ROLES, utcnow
from service import audit, clock
from service.catalog.operations import RegionScope
from service.errors import AppError, Conflict, Forbidden, field_detail
from service.organizations import operations as organizations
from service.positions import compliance
from service.positions import repository as positions_repository
from service.positions import search as positions_search
from service.students import operations as students
from service.students import privacy
from service.students.schemas import InitialPassword
from service.transfer import repository, validation
from service.transfer.columns import SPECS, FileFormat, TransferKind
from service.transfer.readers import Sheet, UnreadableFile, release_memory, stream_file
from service.transfer.repository import TABLES, OrgRef
from service.transfer.rows import CompactRow, map_headers, parse_rows
from service.transfer.schemas import ImportInvalid, ImportResult, Problem
from service.transfer.spill import Spill
from service.transfer.validation import Collector, Prepared
from service.transfer.writers import write_table

Progress = Callable[[str, int, int], None]
"""Called with a phase (``"check"``, ``"write"``), the rows done and the rows in all (0 while the
checks are still reading the file: its rows are counted as they are read)."""

SUPERVISORS = SUPERVISOR_ROLES
# Who may import (and export) which kinds: a member role only its own organisation's rows.
MEMBER_KINDS = {
    Role.enterprise: frozenset({TransferKind.positions, TransferKind.demand}),
    Role.school: frozenset({TransferKind.programmes, TransferKind.cohorts, TransferKind.students}),
}
AUDIT_ACTION = "import"
CLI_ACTOR = "cli"


def _no_progress(_phase: str, _done: int, _total: int) -> None:
    return None


# ---------------------------------------------------------------- authorisation


def owner_for(session: Session, actor: User, kind: TransferKind) -> OrgRef | None:
    """The organisation ``actor`` may import or export ``kind`` for; None means any organisation.

    Regulators and admins act for anyone; an enterprise account for its own positions and demand,
    a school account for its own programmes, cohorts and students; everyone else is refused.
    """
    if actor.role in SUPERVISORS:
        return None
    allowed = MEMBER_KINDS.get(Role(actor.role), frozenset())
    if kind not in allowed or actor.organization_id is None:
        raise Forbidden(f"当前角色无权导入或导出{SPECS[kind].label}数据")
    owner = repository.organization_by_id(session, actor.organization_id)
    # Only a verified organisation's data counts anywhere: a self-registered (pending) account
    # must not be able to move a region's supply or demand figures.
    if owner is None or owner.status != OrganizationStatus.verified:
        raise Forbidden("所属机构尚未通过审核或已被暂停，暂不能导入或导出数据")
    return owner


def read_limited(stream: IO[bytes], limit: int) -> bytes:
    """The bytes of an upload, refused with 413 when larger than ``limit``."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise AppError(
            f"文件超过{_size_text(limit)}的上限，请拆分后分批导入",
            code="too_large",
            status_code=413,
        )
    return data


def _size_text(size: int) -> str:
    for unit, label in ((1024 * 1024, "MB"), (1024, "KB")):
        if size >= unit:
            return f"{size / unit:g}{label}"
    return f"{size}字节"


# ---------------------------------------------------------------- import


PlannedRow = tuple[dict[str, Any] | CompactRow, tuple[str, ...]]


@dataclass(frozen=True)
class Classified:
    """The rows of a valid file, split by what writing them will do. The rows wait for the write
    on disk (:class:`Spill`), not in memory: an import holds a part of them at a time however
    long its file is; :meth:`close` gives the temporary files back."""

    # Each row with the codes of its majors (positions; () for the other kinds).
    inserts: Spill[PlannedRow]
    updates: Spill[PlannedRow]
    unchanged: int
    major_codes: frozenset[str] = frozenset()
    # Positions: the catalogue name of each major code the rows ask for (their search words).
    major_names: Mapping[str, str] = field(default_factory=dict)

    def close(self) -> None:
        self.inserts.close()
        self.updates.close()


@dataclass(frozen=True)
class CheckedImport:
    """A file that passed every check, with its rows classified: what :func:`write_prepared`
    writes (the outcome of :func:`check_file`, which only reads)."""

    kind: TransferKind
    file_name: str
    rows: int
    plan: Classified
    # Students: the accounts to open, passwords generated and hashed in the check phase.
    accounts: tuple[students.NewAccount, ...] = ()

    def close(self) -> None:
        """Drop the plan's temporary files (done by :func:`write_prepared`; a check whose plan is
        not written, a dry run, closes it, or leaves it to the garbage collector)."""
        self.plan.close()

    def result(self, *, dry_run: bool = False) -> ImportResult:
        return ImportResult(
            kind=self.kind,
            rows=self.rows,
            inserted=len(self.plan.inserts),
            updated=len(self.plan.updates),
            unchanged=self.plan.unchanged,
            dry_run=dry_run,
        )


# An import runs in two phases. The check phase (parse, map headers, resolve catalogue names, the
# compliance rules, classify each row as insert / update / unchanged) only reads, so it runs on a
# read session: on SQLite that transaction stays DEFERRED and takes no write lock, and the single
# write lock covers only the write phase's upserts and audit (docs/design/pitfalls.md: never hold a
# write transaction while computing; checking a large file takes seconds). All or nothing still
# holds: a bad row stops the import before any write session is used, and the write phase is one
# transaction. Between the phases another writer may have changed, added or removed a row the file
# names; the upserts are keyed on the natural key and idempotent, so such a row is updated in place
# (or inserted again) rather than duplicated, and a collision the checks could not have seen
# surfaces as a Conflict with the whole write rolled back. ``import_file`` composes both phases on
# one session (the demo loader, tests); the API and the CLI use a read and a write session.


def import_upload(
    read_session: Session,
    write_session: Callable[[], Session],
    actor: User,
    kind: TransferKind,
    stream: IO[bytes],
    *,
    file_name: str,
    limit: int,
    dry_run: bool = False,
) -> ImportResult:
    """The API's import: authorise, read the upload (at most ``limit`` bytes), check it on
    ``read_session``, then write it on the session ``write_session`` gives (never asked for by a
    dry run or a refused file, so neither takes a write lock)."""
    owner = owner_for(read_session, actor, kind)
    data = read_limited(stream, limit)
    checked = check_file(
        read_session,
        kind,
        data,
        file_name=file_name,
        owner=owner,
        scope=organizations.regional_scope(read_session, actor),
    )
    try:
        if dry_run:
            return checked.result(dry_run=True)
        return write_prepared(write_session(), checked, actor=actor)
    finally:
        # A served process lives on: the file and its plan go back to the system now, or each
        # import of a 1 MB file left the server ~15-40 MB larger (freed, but kept by malloc).
        checked.close()
        del checked, data
        release_memory()


def import_file(
    session: Session,
    kind: TransferKind,
    data: bytes,
    *,
    file_name: str,
    actor: audit.Actor,
    dry_run: bool = False,
    owner: OrgRef | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a CSV or XLSX file of ``kind``: all rows or, if any row is bad, none.

    Raises :class:`ImportInvalid` listing every problem (row, column, value, Chinese message).
    ``owner`` restricts the rows to one organisation's; ``dry_run`` checks and counts only.
    Both phases run on ``session``; see :func:`check_file` and :func:`write_prepared`.
    """
    return import_sheet(
        session,
        kind,
        stream_file(data, file_name),
        file_name=file_name,
        actor=actor,
        dry_run=dry_run,
        owner=owner,
        progress=progress,
    )


def import_sheet(
    session: Session,
    kind: TransferKind,
    sheet: Sheet,
    *,
    file_name: str,
    actor: audit.Actor,
    dry_run: bool = False,
    owner: OrgRef | None = None,
    progress: Progress | None = None,
    accounts: bool = True,
) -> ImportResult:
    checked = check_sheet(
        session,
        kind,
        sheet,
        file_name=file_name,
        owner=owner,
        progress=progress,
        accounts=accounts,
    )
    if dry_run:
        checked.close()
        return checked.result(dry_run=True)
    return write_prepared(session, checked, actor=actor, progress=progress)


def check_file(
    session: Session,
    kind: TransferKind,
    data: bytes,
    *,
    file_name: str,
    owner: OrgRef | None = None,
    progress: Progress | None = None,
    scope: RegionScope | None = None,
) -> CheckedImport:
    """The check phase of an import; only reads, so ``session`` may be a read-only session.

    Raises :class:`ImportInvalid` listing every problem, or returns the classified rows.
    ``scope``: a regional regulator's region; a row of an organisation outside it is refused (403).
    """
    return check_sheet(
        session,
        kind,
        stream_file(data, file_name),
        file_name=file_name,
        owner=owner,
        progress=progress,
        scope=scope,
    )


def check_sheet(
    session: Session,
    kind: TransferKind,
    sheet: Sheet,
    *,
    file_name: str,
    owner: OrgRef | None = None,
    progress: Progress | None = None,
    accounts: bool = True,
    scope: RegionScope | None = None,
) -> CheckedImport:
    """The check phase on a read sheet (see :func:`_check_sheet`); a check that fails (a bad row,
    a row outside ``scope``, an unreadable file) closes every temporary file it opened."""
    with ExitStack() as spills:
        checked = _check_sheet(
            session,
            kind,
            sheet,
            spills=spills,
            file_name=file_name,
            owner=owner,
            progress=progress,
            accounts=accounts,
            scope=scope,
        )
        spills.pop_all()  # the plan's files now belong to ``checked`` (closed by its write)
    return checked


def _check_sheet(
    session: Session,
    kind: TransferKind,
    sheet: Sheet,
    *,
    spills: ExitStack,
    file_name: str,
    owner: OrgRef | None,
    progress: Progress | None,
    accounts: bool,
    scope: RegionScope | None,
) -> CheckedImport:
    """The check phase on a read sheet; ``accounts``: plan accounts for students without one.

    The rows are read, parsed and checked a part at a time (:data:`CHECK_PART` rows): what is
    kept of a row is its problems, or what will be written (for positions a compact row), never
    its cells. A streamed sheet (:func:`readers.stream_file`) is thus never held whole, and the
    checked rows wait on disk (:class:`Spill`), read back a part at a time by the later checks,
    the classification and the write: what an import holds does not grow with its file.
    """
    report = progress or _no_progress
    spec = SPECS[kind]
    header_map, header_problems = map_headers(spec, sheet.headers)
    if header_problems:
        raise ImportInvalid("表头有误，未导入任何数据", header_problems)
    problems: list[Problem] = []
    collect = Collector(kind, problems)
    today = clock.today()
    lookups: validation.Lookups | None = None
    prepared: Spill[Prepared] = spills.enter_context(Spill())
    first: dict[tuple[Any, ...], int] = {}
    # What the later look-ups need of every row, gathered as the rows pass (each reading of the
    # spill unpickles every row again, ~2-3 s per 100 000 positions).
    parents: set[Any] = set()
    enterprises: set[uuid.UUID] = set()
    file_interns: dict[uuid.UUID, int] = {}  # positions: the file's interns by enterprise
    total = 0
    report("check", 0, 0)
    try:
        for part in _parts(sheet.rows, CHECK_PART):
            rows, row_problems = parse_rows(spec, header_map, sheet, part)
            del part
            problems.extend(row_problems)
            total += len(rows)
            if lookups is None:
                lookups = validation.lookups_for(session, kind, rows, owner, today)
            else:
                validation.extend_lookups(session, kind, lookups, rows)
            by_row = {row.row: row for row in rows}
            checked = validation.CHECKERS[kind](session, lookups, rows, collect)
            kept = validation.duplicates(kind, checked, by_row, collect, first)
            parents.update(_parents(kind, kept))
            if kind is TransferKind.positions:
                enterprises.update(item.values["enterprise_id"] for item in kept)
                validation.add_file_interns(file_interns, kept, today)
            prepared.extend(kept)
            del rows, by_row, checked, kept
            report("check", total, 0)
    except UnreadableFile as error:
        message: str | None = error.message
    else:
        message = None
    if message is not None:
        # Refused part-way through the file: hand what was read back to the system first.
        prepared.close()
        del prepared, first, problems
        release_memory()
        raise UnreadableFile(message)
    keys = set(first)  # the key of each kept row (a duplicate's is its first row's)
    del first
    if lookups is None:
        lookups = validation.lookups_for(session, kind, [], owner, today)
    stored = repository.stored_rows(session, kind, keys, parents)
    del keys
    if scope is not None:
        _refuse_outside(session, scope, prepared, stored)
    stored_majors: dict[uuid.UUID, tuple[str, ...]] = {}
    if kind is TransferKind.positions:
        stored_majors = repository.majors_of_positions(
            session, [row["id"] for row in stored.values()]
        )
        interns: dict[uuid.UUID, int] = {}
        for chunk in repository.chunks(sorted(enterprises, key=str), repository.LOOKUP_CHUNK):
            interns.update(compliance.existing_interns(session, chunk, today=today))

        def unchanged(item: Prepared) -> bool:
            previous = stored.get(item.key)
            return previous is not None and not _differs(
                kind, item, previous, stored_majors, skip=_POSITION_CHECK_OUTPUTS
            )

        # The rows that pass the posting rules go straight to their classification (the plan's
        # spills): a bad row found here still stops the import below, before any write.
        passed: Iterable[Prepared] = validation.check_position_rules(
            lookups, prepared, stored, interns, collect, unchanged, file_interns
        )
    else:
        passed = prepared
    plan = _classify(kind, passed, stored, stored_majors, utcnow(), spills)
    del passed
    if problems:
        raise ImportInvalid(_summary(problems), _ordered(kind, problems))
    report("check", total, total)
    del collect
    if kind is TransferKind.positions and (plan.inserts or plan.updates):
        plan = replace(plan, major_names=_major_names(session, plan))
        search_text.index_words("岗位")  # jieba's dictionary loaded now, not in the write lock
    planned: tuple[students.NewAccount, ...] = ()
    if kind is TransferKind.students and accounts:
        planned = _plan_accounts(session, prepared, stored)
    prepared.close()
    return CheckedImport(kind=kind, file_name=file_name, rows=total, plan=plan, accounts=planned)


# Rows read, parsed and checked together: large enough for the look-ups of a part to be few
# queries, small enough that a part's parsed cells (~3 KB a row) stay a few megabytes.
CHECK_PART = 2000


def _parts(
    rows: Iterable[tuple[int, list[str]]], size: int
) -> Iterator[list[tuple[int, list[str]]]]:
    iterator = iter(rows)
    while part := list(itertools.islice(iterator, size)):
        yield part


# The columns of a prepared row that name the organisation it belongs to.
_OWNER_FIELDS = ("school_id", "enterprise_id", "publisher_id")
_SCOPE_ROWS_SHOWN = 20


def _refuse_outside(
    session: Session,
    scope: RegionScope,
    prepared: Iterable[Prepared],
    stored: Mapping[tuple[Any, ...], Mapping[str, Any]],
) -> None:
    """403 naming the rows that belong to an organisation (or name a place) outside ``scope``:
    a regional regulator's import writes only inside its region, and nothing when it tries more."""
    owners = {
        item.values[field] for item in prepared for field in _OWNER_FIELDS if field in item.values
    }
    regions = repository.organization_regions(session, owners)
    outside: list[int] = []
    for item in prepared:
        codes = [regions.get(item.values[f], "") for f in _OWNER_FIELDS if f in item.values]
        if item.values.get("region_code"):
            codes.append(str(item.values["region_code"]))
        previous = stored.get(item.key)
        if previous is not None and previous.get("region_code"):
            codes.append(str(previous["region_code"]))  # an organisation moved in from outside
        if any(code not in scope for code in codes):
            outside.append(item.row)
    if outside:
        details = [
            field_detail("", f"第{row}行不在本部门管辖地区（{scope.code}）内", row=row)
            for row in outside[:_SCOPE_ROWS_SHOWN]
        ]
        if len(outside) > _SCOPE_ROWS_SHOWN:
            rest = len(outside) - _SCOPE_ROWS_SHOWN
            details.append(field_detail("", f"另有{rest}行不在管辖地区内"))
        raise Forbidden(
            f"文件中有{len(outside)}行不在本部门管辖地区内，未导入任何数据", details=details
        )


def _plan_accounts(
    session: Session,
    prepared: Iterable[Prepared],
    stored: Mapping[tuple[Any, ...], Mapping[str, Any]],
) -> tuple[students.NewAccount, ...]:
    """An account for each student of the file that has none (new ones and stored ones)."""
    new_keys = [item.key for item in prepared if item.key not in stored]
    stored_keys = [item.key for item in prepared if item.key in stored]
    codes = repository.organization_codes(session, {key[0] for key in new_keys + stored_keys})
    return tuple(students.plan_accounts(session, new_keys, stored_keys, codes))


def write_prepared(
    session: Session,
    checked: CheckedImport,
    *,
    actor: audit.Actor,
    progress: Progress | None = None,
) -> ImportResult:
    """The write phase of an import: the upserts of ``checked`` and one audit entry, flushed in
    ``session``'s transaction (on SQLite the write lock is taken at its first statement)."""
    result = checked.result()
    try:
        _write(session, checked.kind, checked.plan, progress or _no_progress)
    finally:
        checked.close()
    if checked.accounts:
        students.create_accounts(session, checked.accounts, actor)
        result.initial_passwords = [
            InitialPassword(
                student_no=account.student_no,
                school_code=account.school_code,
                username=account.username,
                initial_password=account.password,
            )
            for account in checked.accounts
        ]
    audit.record(
        session,
        actor,
        AUDIT_ACTION,
        TABLES[checked.kind].table.name,
        uuid.uuid4(),
        None,
        {
            "file": checked.file_name,
            **result.model_dump(mode="json", exclude={"dry_run", "initial_passwords"}),
            **({"accounts": len(checked.accounts)} if checked.accounts else {}),
        },
    )
    session.flush()
    return result


def _parents(kind: TransferKind, prepared: Iterable[Prepared]) -> set[Any]:
    parent = TABLES[kind].parent
    if parent is None:
        return set()
    return {item.values[parent] for item in prepared}


def _summary(problems: Sequence[Problem]) -> str:
    rows = len({problem.row for problem in problems})
    return f"导入失败：{rows}行数据有误（共{len(problems)}处问题），未写入任何数据"


def _ordered(kind: TransferKind, problems: Sequence[Problem]) -> list[Problem]:
    order = {column.name: i for i, column in enumerate(SPECS[kind].columns)}
    shown = [_masked_problem(kind, problem) for problem in problems]
    return sorted(shown, key=lambda p: (p.row, order.get(p.column, -1)))


def _masked_problem(kind: TransferKind, problem: Problem) -> Problem:
    """A problem in a student's name or phone names the cell, never its content (PIPL)."""
    if kind is not TransferKind.students or problem.column not in _PERSONAL_COLUMNS:
        return problem
    if problem.column == "birth_date":
        return replace(problem, value="****-**-**" if problem.value else "")
    mask = privacy.mask_name if problem.column == "name" else privacy.mask_phone
    return replace(problem, value=mask(problem.value) or "")


_PERSONAL_COLUMNS = frozenset({"name", "phone", "birth_date"})


# Columns an import derives rather than reads; a difference in them alone is not a change.
_DERIVED = frozenset({"verified_at", "published_at"})
# What the posting rules write: a row equal in everything else is not checked again.
_POSITION_CHECK_OUTPUTS = frozenset({"compliance_findings"})


def _differs(
    kind: TransferKind,
    item: Prepared,
    previous: Mapping[str, Any],
    stored_majors: Mapping[uuid.UUID, tuple[str, ...]],
    skip: frozenset[str] = frozenset(),
) -> bool:
    """Whether writing ``item`` would change the stored row ``previous``."""
    for name in TABLES[kind].updated:
        if name not in _DERIVED and name not in skip and item.values[name] != previous[name]:
            return True
    return kind is TransferKind.positions and item.majors != stored_majors.get(previous["id"], ())


def _classify(
    kind: TransferKind,
    prepared: Iterable[Prepared],
    stored: Mapping[tuple[Any, ...], Mapping[str, Any]],
    stored_majors: Mapping[uuid.UUID, tuple[str, ...]],
    now: datetime,
    spills: ExitStack,
) -> Classified:
    inserts: Spill[PlannedRow] = spills.enter_context(Spill())
    updates: Spill[PlannedRow] = spills.enter_context(Spill())
    codes: set[str] = set()
    unchanged = 0
    for item in prepared:
        previous = stored.get(item.key)
        row = _complete(kind, item, previous, now)
        if previous is None:
            inserts.append((row, item.majors))
        elif _differs(kind, replace(item, values=row), previous, stored_majors):
            updates.append((row, item.majors))
        else:
            unchanged += 1
            continue
        codes.update(item.majors)
    return Classified(inserts, updates, unchanged, frozenset(codes))


def _major_names(session: Session, plan: Classified) -> dict[str, str]:
    return positions_repository.major_names(session, sorted(plan.major_codes))


def _index_positions(
    rows: Sequence[dict[str, Any]],
    majors: Sequence[tuple[str, ...]],
    names: Mapping[str, str],
) -> None:
    """The search words of positions about to be written, a part at a time (held for every row
    of a file, they would be ~0.5 KB a row); jieba's cut of each distinct text is cached
    (``search_text``), so a description repeated across the file is cut once."""
    for row, codes in zip(rows, majors, strict=True):
        row["search_title"] = search_text.index_words(row["title"])
        row["search_body"] = search_text.index_words(
            row["description"],
            row.get("requirements") or "",
            row["skills"],
            [names[c] for c in codes],
        )


# Columns only a new row gets: an update sets ``TABLES[kind].updated`` and nothing else, so these
# keep whatever the stored row holds (the upsert needs every row to carry the same columns).
_NEW_ROW_ONLY: dict[TransferKind, dict[str, Any]] = {
    TransferKind.organizations: {"is_integration_enterprise": False},
    TransferKind.positions: {"order_training": False},
    TransferKind.students: {
        "user_id": None,
        "certificates": [],
        "preferred_kinds": [],
        "introduction": "",
    },
}


def _complete(
    kind: TransferKind, item: Prepared, previous: Mapping[str, Any] | None, now: datetime
) -> dict[str, Any] | CompactRow:
    """Every column of the row to write: ids, timestamps and the columns an import derives."""
    table = TABLES[kind].table
    # A position's prepared values themselves (not a copy): nothing reads them after the plan is
    # made (students' are read again to plan their accounts).
    row = item.values if kind is TransferKind.positions else dict(item.values)
    row["id"] = previous["id"] if previous is not None else natural_id(table.name, *item.key)
    row.update(_NEW_ROW_ONLY.get(kind, {}))
    for stamp in ("created_at", "updated_at"):
        if stamp in table.c:
            row[stamp] = now
    if kind is TransferKind.organizations:
        # Loading an organisation is the regulator's verification; a suspension stands.
        row["status"] = OrganizationStatus.verified.value
        row["verified_at"] = now
        if previous is not None and previous["status"] != OrganizationStatus.pending:
            row["status"] = previous["status"]
            row["verified_at"] = previous["verified_at"]
    elif kind is TransferKind.positions:
        published = previous["published_at"] if previous is not None else None
        if published is None and row["status"] in PUBLISHED_STATUSES:
            published = now
        row["published_at"] = published
    return row


def _write(session: Session, kind: TransferKind, plan: Classified, report: Progress) -> None:
    total = len(plan.inserts) + len(plan.updates)
    report("write", 0, total)
    try:
        counted = (
            repository.region_writes(session)
            if kind is TransferKind.positions
            else nullcontext(None)
        )
        with repository.bulk_write_cache(session), counted as regions:
            done = 0
            # PostgreSQL: the next chunks are read from the plan and given their search words in
            # a thread while this one's statements run in the server: the two cores overlap.
            # Not on SQLite: its statements release the GIL at every row, and each time waited
            # for the thread's turn to end (the GIL's 5 ms switch interval), 2x slower in all.
            ahead = WRITE_AHEAD if session.get_bind().dialect.name == "postgresql" else 0
            for updating, written, majors in _ahead(_write_chunks(kind, plan), ahead):
                repository.upsert(session, kind, written, regions)
                if kind is TransferKind.positions:
                    # A part's majors follow its positions (their key names them): an
                    # updated position's old majors are dropped, then its new ones added.
                    repository.replace_position_majors(
                        session,
                        [row["id"] for row in written] if updating else [],
                        [
                            (row["id"], code)
                            for row, codes in zip(written, majors, strict=True)
                            for code in codes
                        ],
                        regions,
                    )
                done += len(written)
                report("write", done, total)
            if kind is TransferKind.positions:
                positions_search.refresh_statistics(session)
    except (IntegrityError, DataError) as error:
        # Rows were checked against what the check phase saw; a concurrent writer (between the
        # phases or now) can still collide. The caller rolls back, so nothing of the file is kept.
        raise Conflict(
            f"写入时与数据库中的数据冲突，未导入任何数据，请重试：{_first_line(error.orig)}"
        ) from error


# Chunks prepared ahead of the one being written (each ~1 000 rows, a few megabytes).
WRITE_AHEAD = 2
WrittenChunk = tuple[bool, list[dict[str, Any]], list[tuple[str, ...]]]


def _write_chunks(kind: TransferKind, plan: Classified) -> Iterator[WrittenChunk]:
    """The plan's rows as written, a chunk at a time: inserts first, then updates; a position's
    search words computed here (see :func:`_index_positions`)."""
    parts = itertools.chain(
        ((False, part) for part in plan.inserts.parts()),
        ((True, part) for part in plan.updates.parts()),
    )
    for updating, part in parts:
        for chunk in repository.chunks(part, repository.WRITE_CHUNK):
            written = [row.as_dict() if isinstance(row, CompactRow) else row for row, _ in chunk]
            majors = [codes for _, codes in chunk]
            if kind is TransferKind.positions:
                _index_positions(written, majors, plan.major_names)
            yield updating, written, majors
        del part


_T = TypeVar("_T")


def _ahead(items: Iterator[_T], depth: int) -> Iterator[_T]:
    """``items`` as they come, taken from ``items`` in a thread up to ``depth`` ahead of the
    caller. An error of ``items`` is raised here, at its place; a caller that stops early (or
    fails) stops the thread, which is joined before this generator ends."""
    queue: Queue[tuple[bool, Any]] = Queue(maxsize=depth)
    stop = threading.Event()

    def give(entry: tuple[bool, Any]) -> bool:
        while not stop.is_set():
            try:
                queue.put(entry, timeout=0.1)
            except Full:
                continue
            return True
        return False

    def produce() -> None:
        try:
            for item in items:
                if not give((True, item)):
                    return
        except BaseException as error:  # noqa: BLE001 - handed to the caller, raised there
            give((False, error))
            return
        give((False, None))

    if depth <= 0:
        yield from items
        return
    thread = threading.Thread(target=produce, name="import-write-ahead", daemon=True)
    thread.start()
    try:
        while True:
            more, value = queue.get()
            if not more:
                if value is not None:
                    raise value
                return
            yield value
    finally:
        stop.set()
        thread.join()


def _first_line(error: BaseException | None) -> str:
    text = str(error).strip() if error is not None else ""
    return text.splitlines()[0] if text else "数据库拒绝写入"


# ---------------------------------------------------------------- export and templates


def export_table(
    session: Session,
    kind: TransferKind,
    file_format: FileFormat,
    out: IO[bytes],
    *,
    owner: OrgRef | None = None,
    labels: bool = False,
    scope: RegionScope | None = None,
) -> int:
    """Write the stored rows of ``kind`` in the import's columns; returns the rows written.

    Headers are the English column names, or the Chinese labels with ``labels``; both import back.
    """
    spec = SPECS[kind]
    columns = spec.exported
    headers = [column.label if labels else column.name for column in columns]
    records = repository.export_rows(
        session,
        kind,
        owner.id if owner is not None else None,
        (scope.low, scope.high) if scope is not None else None,
    )
    if kind is TransferKind.students and owner is None:
        # Only a school's export of its own students carries names and phones; regulators and
        # operators get the masks (PIPL Art. 6).
        records = (_masked_student(record) for record in records)
    rows: Iterator[list[Any]] = ([record[c.name] for c in columns] for record in records)
    return write_table(out, file_format, headers, rows, sheet_title=spec.label)


def _masked_student(record: dict[str, Any]) -> dict[str, Any]:
    return {
        **record,
        "name": privacy.mask_name(record["name"] or ""),
        "phone": privacy.mask_phone(record["phone"]),
        "birth_date": None,
    }


def write_template(
    kind: TransferKind, file_format: FileFormat, out: IO[bytes], *, labels: bool = True
) -> None:
    """An empty file of ``kind``: its headers (Chinese labels by default) and one example row."""
    spec = SPECS[kind]
    headers = [column.label if labels else column.name for column in spec.columns]
    example = [column.example or None for column in spec.columns]
    write_table(out, file_format, headers, [example], sheet_title=spec.label)


def file_name_for(kind: TransferKind, file_format: FileFormat, suffix: str = "") -> str:
    return f"{kind.value}{suffix}.{file_format.value}"
