"""full-text search index on positions (issue 10)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 07:00:00

The words of each position (jieba, as matching.search_text cut them at this revision) in two
columns, and the backend's index over them: SQLite an external-content FTS5 table kept in step by triggers, PostgreSQL a generated
``tsvector`` (the ``simple`` configuration, title weighted A) with a GIN index. Existing positions
get their words here; the columns keep a server default of '' for raw inserts. Also indexes the newest and pay orders use.
"""

import json
import logging
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import jieba
import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_TRIGGERS = ("position_fts_insert", "position_fts_delete", "position_fts_update")
_COLUMNS = "search_title, search_body"
_OLD = "'delete', old.rowid, old.search_title, old.search_body"
_NEW = "new.rowid, new.search_title, new.search_body"
SQLITE_INDEX = (
    # unicode61 splits on anything but letters and digits; the stored words hold nothing else.
    f"CREATE VIRTUAL TABLE position_fts USING fts5({_COLUMNS}, content='position', "
    "content_rowid='rowid', tokenize='unicode61')",
    # bm25 with the title weighted 4 to 1 as the table's rank.
    "INSERT INTO position_fts(position_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)')",
    "INSERT INTO position_fts(position_fts) VALUES ('rebuild')",
    f"CREATE TRIGGER position_fts_insert AFTER INSERT ON position BEGIN "
    f"INSERT INTO position_fts(rowid, {_COLUMNS}) VALUES ({_NEW}); END",
    f"CREATE TRIGGER position_fts_delete AFTER DELETE ON position BEGIN "
    f"INSERT INTO position_fts(position_fts, rowid, {_COLUMNS}) VALUES ({_OLD}); END",
    f"CREATE TRIGGER position_fts_update AFTER UPDATE OF {_COLUMNS} ON position BEGIN "
    f"INSERT INTO position_fts(position_fts, rowid, {_COLUMNS}) VALUES ({_OLD}); "
    f"INSERT INTO position_fts(rowid, {_COLUMNS}) VALUES ({_NEW}); END",
)
POSTGRESQL_VECTOR = (
    "ALTER TABLE position ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_body), 'D')) STORED"
)


# The words of matching.search_text at this revision, frozen here with the word list of that day
# (the file beside this one): the backfill of this revision must not change when the live
# tokenizer or the catalogue's words do.
MAX_WORD_LENGTH = 32
_MAX_SPLIT_LENGTH = 12
WORDS_FILE = Path(__file__).with_name("2026-11-29-0700_search_index_words.txt")


def _jieba() -> Any:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in WORDS_FILE.read_text(encoding="utf-8").split():
        tokenizer.add_word(word)
    return tokenizer


def _normalize(text: str) -> str:
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    kept = (
        ch if ch.isalnum() else " " for ch in folded if unicodedata.category(ch) not in ("Mn", "Me")
    )
    return unicodedata.normalize("NFC", "".join(kept))


def _is_han(word: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in word)


def _cut(tokenizer: Any, text: str) -> list[str]:
    normalized = _normalize(text)
    if not normalized.strip():
        return []
    words = tokenizer.lcut(normalized, HMM=False)
    return [w for w in (word.strip() for word in words) if w]


def _runs(words: Sequence[str]) -> Iterator[str]:
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and _is_han(word):
            run.append(word)
            continue
        if len(run) > 1:
            yield "".join(run)
        run = []


def _sub_words(word: str, frequencies: dict[str, int]) -> Iterator[str]:
    for length in range(2, len(word)):
        for start in range(len(word) - length + 1):
            part = word[start : start + length]
            if frequencies.get(part):
                yield part


def index_words(tokenizer: Any, *texts: str | Iterable[str]) -> str:
    frequencies: dict[str, int] = tokenizer.FREQ
    out: list[str] = []
    for text in texts:
        for part in [text] if isinstance(text, str) else text:
            words = _cut(tokenizer, part)
            for word in words:
                if len(word) > MAX_WORD_LENGTH:
                    continue
                out.append(word)
                if 2 < len(word) <= _MAX_SPLIT_LENGTH and _is_han(word):
                    out.extend(_sub_words(word, frequencies))
            for run in _runs(words):
                run = run[:_MAX_SPLIT_LENGTH]
                out.append(run)
                out.extend(
                    run[i : i + n] for n in range(2, len(run)) for i in range(len(run) - n + 1)
                )
    return " ".join(out)


def _backfill(bind: Any) -> None:
    """The words of the positions already stored (a city's worth: computed here in Python)."""
    majors: dict[Any, list[str]] = {}
    for position_id, name in bind.execute(
        sa.text(
            "SELECT pm.position_id, m.name FROM position_major pm "
            "JOIN major m ON m.code = pm.major_code ORDER BY pm.position_id, m.code"
        )
    ):
        majors.setdefault(position_id, []).append(name)
    rows = bind.execute(sa.text("SELECT id, title, description, skills FROM position")).all()
    if not rows:
        return
    tokenizer = _jieba()
    updates = []
    for position_id, title, description, skills in rows:
        listed = json.loads(skills) if isinstance(skills, str) else skills
        updates.append(
            {
                "id": position_id,
                "title": index_words(tokenizer, title),
                "body": index_words(tokenizer, description, listed or [], majors.get(position_id, [])),
            }
        )
    bind.execute(
        sa.text("UPDATE position SET search_title = :title, search_body = :body WHERE id = :id"),
        updates,
    )


def upgrade() -> None:
    with op.batch_alter_table('position', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_title', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('search_body', sa.Text(), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_position_monthly_pay'), ['monthly_pay'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_position_published_at'), ['published_at'], unique=False
        )
    bind = op.get_bind()
    _backfill(bind)
    if bind.dialect.name == 'sqlite':
        for statement in SQLITE_INDEX:
            op.execute(statement)
    else:
        op.execute(POSTGRESQL_VECTOR)
        op.execute(
            f"CREATE INDEX {op.f('ix_position_search_vector')} ON position "
            "USING gin (search_vector)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for trigger in FTS_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS position_fts")
    else:
        op.execute(f"DROP INDEX IF EXISTS {op.f('ix_position_search_vector')}")
        op.execute("ALTER TABLE position DROP COLUMN IF EXISTS search_vector")
    with op.batch_alter_table('position', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_position_published_at'))
        batch_op.drop_index(batch_op.f('ix_position_monthly_pay'))
        batch_op.drop_column('search_body')
        batch_op.drop_column('search_title')
