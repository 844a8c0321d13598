from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from models import Student, User
from service.auth.security import verify_password
from service.db import get_engine

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "transfer"


def test_import_writes_the_initial_passwords_to_a_file_once(
    run_cli: Callable[..., Any], fresh_db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "passwords.csv"
    organizations = str(FIXTURES / "organizations.csv")
    assert run_cli("import", "organizations", organizations, "--db", fresh_db_url).exit_code == 0
    students = str(FIXTURES / "students.csv")
    first = run_cli(
        "import", "students", students, "--db", fresh_db_url, "--passwords-out", str(out)
    )
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[1] == f"已为3名学生开通账户，初始密码已写入 {out}（仅此一次）"
    assert out.stat().st_mode & 0o777 == 0o600
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [row["username"] for row in rows] == [
        "4150000101-2023001",
        "4150000101-2023002",
        "4150000102-Z2024001",
    ]
    with Session(get_engine(fresh_db_url)) as session:
        for row in rows:
            user = session.exec(select(User).where(col(User.username) == row["username"])).one()
            assert verify_password(row["initial_password"], user.password_hash)
            student = session.exec(select(Student).where(col(Student.user_id) == user.id)).one()
            assert student.student_no == row["student_no"]
    again = run_cli("import", "students", students, "--db", fresh_db_url)
    assert again.stdout == "已导入学生，共3行：新增0行，更新0行，未变3行\n"
