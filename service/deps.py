"""Request-scoped database sessions for routes.

``scope="function"`` makes FastAPI finish the dependency (and so commit) before the response is
sent: with the default scope the commit would run after a 200 had already gone out, and a failed
commit would be an acknowledged write that was lost.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from service.db import get_read_session, get_session

SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function")]
