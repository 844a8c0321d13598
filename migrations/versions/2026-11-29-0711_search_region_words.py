"""search index: region and month words, and an explicit key for SQLite's FTS5 table (issue 10)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 07:11:00

The full-text index also holds each position's region as words: ``r`` and the county's, the city's
and the province's codes (``r500112 r500100 r500000``), so that a text query with a region filter
is one intersection inside the index (GIN on PostgreSQL, FTS5 on SQLite) instead of reading every
row that has the words and then checking its region (1.3–3.8 s at 1 000 000 positions).

It also holds the day and the month the position was published on (UTC), ``d20261129 m202611``;
a draft has neither, and a re-publication moves them (SQLite: the update trigger follows published_at; PostgreSQL: the
generated column). "The newest N matches" is then the matches among the newest days' or months' words,
the window widened until N are found, instead of every match read and sorted (0.4 s for 47 000
matches of two words in a city at 1 000 000 positions).

SQLite: the FTS5 table was keyed on position's implicit rowid, which VACUUM may renumber (the table
has no INTEGER PRIMARY KEY), and so does a batch migration that copies the table; the index would
then point at other positions. It is now keyed on ``position_fts_key.key``, an INTEGER PRIMARY KEY
(kept by VACUUM) held beside the position's id, and reads its content through a view. The region
words and the date words are a third column, weighted 0 in bm25; user words are matched in the other two only.

PostgreSQL: the generated ``search_vector`` gains the region and date words at weight B (the title is A, the
body D); user words are matched at A or D only, so that typing ``r500112`` finds nothing on either.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _regions(code: str) -> str:
    """The region words of a region code column (SQLite and PostgreSQL both have substr)."""
    return (
        f"'r' || {code} || ' r' || substr({code}, 1, 4) || '00 r' || substr({code}, 1, 2) || '0000'"
    )


def _sqlite_scope(row: str) -> str:
    """SQLite: the region words and the day and month words of a row (``old``, ``new``, ``p``).
    published_at is stored as text 'YYYY-MM-DD HH:MM:SS…' in UTC; a draft (null) has neither."""
    at = f"{row}.published_at"
    month = f"substr({at}, 1, 4) || substr({at}, 6, 2)"
    words = f"' d' || {month} || substr({at}, 9, 2) || ' m' || {month}"
    return f"{_regions(f'{row}.region_code')} || coalesce({words}, '')"


# PostgreSQL: the day and month in UTC (timezone(text, timestamptz) and date_part of a timestamp
# are immutable, as a generated column needs); a draft (null) has neither.
_PG_UTC = "published_at AT TIME ZONE 'UTC'"
_PG_MONTH = f"(date_part('year', {_PG_UTC}) * 100 + date_part('month', {_PG_UTC}))"
_PG_DATES = (
    f"coalesce(' d' || ({_PG_MONTH} * 100 + date_part('day', {_PG_UTC}))::integer::text "
    f"|| ' m' || {_PG_MONTH}::integer::text, '')"
)


_COLUMNS = "search_title, search_body, search_scope"
_KEY_OF_OLD = "(SELECT key FROM position_fts_key WHERE position_id = old.id)"
_OLD = f"'delete', {_KEY_OF_OLD}, old.search_title, old.search_body, {_sqlite_scope('old')}"
_NEW = f"new.search_title, new.search_body, {_sqlite_scope('new')}"
SQLITE_TRIGGERS = ("position_fts_insert", "position_fts_delete", "position_fts_update")
SQLITE_INDEX = (
    "CREATE TABLE position_fts_key (key INTEGER PRIMARY KEY, position_id CHAR(32) NOT NULL UNIQUE)",
    "INSERT INTO position_fts_key (position_id) SELECT id FROM position ORDER BY rowid",
    "CREATE VIEW position_fts_content AS SELECT k.key AS key, p.search_title AS search_title, "
    f"p.search_body AS search_body, {_sqlite_scope('p')} AS search_scope "
    "FROM position_fts_key k JOIN position p ON p.id = k.position_id",
    # unicode61 splits on anything but letters and digits; the stored words hold nothing else.
    f"CREATE VIRTUAL TABLE position_fts USING fts5({_COLUMNS}, content='position_fts_content', "
    "content_rowid='key', tokenize='unicode61')",
    # bm25 with the title weighted 4 to 1, the region words not at all.
    "INSERT INTO position_fts(position_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0, 0.0)')",
    "INSERT INTO position_fts(position_fts) VALUES ('rebuild')",
    "CREATE TRIGGER position_fts_insert AFTER INSERT ON position BEGIN "
    "INSERT INTO position_fts_key (position_id) VALUES (new.id); "
    f"INSERT INTO position_fts(rowid, {_COLUMNS}) VALUES (last_insert_rowid(), {_NEW}); END",
    "CREATE TRIGGER position_fts_delete AFTER DELETE ON position BEGIN "
    f"INSERT INTO position_fts(position_fts, rowid, {_COLUMNS}) VALUES ({_OLD}); "
    "DELETE FROM position_fts_key WHERE position_id = old.id; END",
    "CREATE TRIGGER position_fts_update "
    "AFTER UPDATE OF search_title, search_body, region_code, published_at ON position BEGIN "
    f"INSERT INTO position_fts(position_fts, rowid, {_COLUMNS}) VALUES ({_OLD}); "
    f"INSERT INTO position_fts(rowid, {_COLUMNS}) VALUES ({_KEY_OF_OLD}, {_NEW}); END",
)
POSTGRESQL_VECTOR = (
    "ALTER TABLE position ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_body), 'D') || "
    f"setweight(to_tsvector('simple'::regconfig, {_regions('region_code')} || {_PG_DATES}), 'B')) "
    "STORED"
)

# Revision 0002's index, for the downgrade.
_OLD_COLUMNS = "search_title, search_body"
SQLITE_INDEX_0002 = (
    f"CREATE VIRTUAL TABLE position_fts USING fts5({_OLD_COLUMNS}, content='position', "
    "content_rowid='rowid', tokenize='unicode61')",
    "INSERT INTO position_fts(position_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)')",
    "INSERT INTO position_fts(position_fts) VALUES ('rebuild')",
    f"CREATE TRIGGER position_fts_insert AFTER INSERT ON position BEGIN "
    f"INSERT INTO position_fts(rowid, {_OLD_COLUMNS}) "
    "VALUES (new.rowid, new.search_title, new.search_body); END",
    f"CREATE TRIGGER position_fts_delete AFTER DELETE ON position BEGIN "
    f"INSERT INTO position_fts(position_fts, rowid, {_OLD_COLUMNS}) "
    "VALUES ('delete', old.rowid, old.search_title, old.search_body); END",
    f"CREATE TRIGGER position_fts_update AFTER UPDATE OF {_OLD_COLUMNS} ON position BEGIN "
    f"INSERT INTO position_fts(position_fts, rowid, {_OLD_COLUMNS}) "
    "VALUES ('delete', old.rowid, old.search_title, old.search_body); "
    f"INSERT INTO position_fts(rowid, {_OLD_COLUMNS}) "
    "VALUES (new.rowid, new.search_title, new.search_body); END",
)
POSTGRESQL_VECTOR_0002 = (
    "ALTER TABLE position ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_body), 'D')) STORED"
)


def _drop_sqlite_index() -> None:
    for trigger in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS position_fts")
    op.execute("DROP VIEW IF EXISTS position_fts_content")
    op.execute("DROP TABLE IF EXISTS position_fts_key")


def _replace_vector(definition: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_position_search_vector")
    op.execute("ALTER TABLE position DROP COLUMN IF EXISTS search_vector")
    op.execute(definition)
    op.execute("CREATE INDEX ix_position_search_vector ON position USING gin (search_vector)")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _drop_sqlite_index()
        for statement in SQLITE_INDEX:
            op.execute(statement)
    else:
        _replace_vector(POSTGRESQL_VECTOR)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _drop_sqlite_index()
        for statement in SQLITE_INDEX_0002:
            op.execute(statement)
    else:
        _replace_vector(POSTGRESQL_VECTOR_0002)
