"""The scheduled jobs of every domain (each is one domain operation)."""

from __future__ import annotations

from service.favorites import operations as favorites
from service.internships import operations as internships
from service.notifications import mail
from service.positions import operations as positions
from service.reports import operations as reports
from service.scheduler import Job

JOBS: list[Job] = [
    # Nightly, after the day's imports: warning snapshots for year-on-year comparison.
    Job(
        "warning_snapshots",
        reports.snapshot_job,
        "cron",
        {"hour": 2, "minute": 30},
        compute=reports.compute_snapshots,
    ),
    # The mismatch report's aggregates: the writes logged since the last run, every minute
    # (the report corrects pending writes itself, at a cost that grows with them, so this keeps
    # it fast; each run costs what was written since), and a full rebuild nightly before the
    # snapshots.
    Job("report_aggregates", reports.aggregates_job, "interval", {"minutes": 1}),
    Job("report_aggregates_full", reports.aggregates_full_job, "cron", {"hour": 2, "minute": 0}),
    # Just after midnight (Asia/Shanghai): positions past their closing date stop taking
    # applications.
    Job(
        "close_expired_positions",
        positions.close_expired_positions,
        "cron",
        {"hour": 0, "minute": 5},
    ),
    # PostgreSQL counts the search's writes per server process; nightly they are folded into one
    # count (the sum, which keys the search cache, is unchanged).
    Job(
        "compact_search_generation",
        positions.compact_search_generation,
        "cron",
        {"hour": 3, "minute": 0},
    ),
    # The search index's log of writes (search_change): rows older than a day go.
    Job("prune_search_changes", positions.prune_search_changes, "cron", {"hour": 3, "minute": 10}),
    # The mail outbox: due mails sent every minute (read-only while talking to the server), the
    # outcomes written after; failures retried with exponential back-off.
    Job("send_mail", mail.record, "interval", {"minutes": 1}, compute=mail.send_due),
    # Saved searches: each one's new positions since its last run, one notification per search,
    # in the morning (Asia/Shanghai).
    Job(
        "saved_search_digest",
        favorites.digest_run,
        "cron",
        {"hour": 7, "minute": 30},
        compute=favorites.digest_compute,
    ),
    # Daily (Asia/Shanghai): an internship in progress whose logs stopped for two weeks is
    # flagged for its school.
    Job(
        "internship_logs_stopped",
        internships.flag_stopped_logs,
        "cron",
        {"hour": 6, "minute": 30},
    ),
    # Daily: an internship ending within a week without both evaluations is flagged for the
    # school and the enterprise.
    Job(
        "internship_evaluations_due",
        internships.flag_due_evaluations,
        "cron",
        {"hour": 6, "minute": 35},
    ),
]
