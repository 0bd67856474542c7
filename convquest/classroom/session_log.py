"""The server's record of who is connected, in the results database (table `sessions`).

SQLite calls block, and a write may wait seconds for the lock while 60 quiz processes save
answers; on the server's event loop that would freeze every student's screen. So the writes run
on one thread of their own, in the order they were made (a disconnect never lands before its
connect), and a failure is logged, never raised: a missing row costs the teacher's view a line,
never a student their session.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from convquest.classroom.backends import shown
from convquest.classroom.results import ResultsDB

log = logging.getLogger("convquest.classroom")


class SessionLog:
    def __init__(self, path: Path | str, server: str = "") -> None:
        self.path = path
        self.server = server
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="convquest-sessions")
        self._db: ResultsDB | None = None
        self._stopped = False

    async def start(self) -> None:
        """Open the database, and close the sessions a previous server left open (it crashed or
        lost power, so it never wrote their disconnects)."""
        opening = self._submit(self._open)
        if opening is not None:  # None once stopped: a server stopped before it started
            await asyncio.wrap_future(opening)

    def _open(self) -> None:
        self._db = ResultsDB.open(self.path, server=self.server)
        stale = self._db.close_open_sessions("server restarted", time.time())
        if stale:
            log.info("closed %d session(s) a previous server left open", stale)

    def opened(self, session_id: str, student: str, address: str, quiz_id: str | None, now: float) -> None:
        self._submit(lambda db: db.session_opened(session_id, student, address, quiz_id, now), needs_db=True)

    def closed(self, session_id: str, reason: str, now: float) -> None:
        self._submit(lambda db: db.session_closed(session_id, reason, now), needs_db=True)

    async def stop(self) -> None:
        """Finish the writes already made, then close the database. A second call does nothing."""
        if self._stopped:
            return
        closing = self._submit(self._close)
        self._stopped = True  # after the close was queued: later writes have nowhere to go
        if closing is not None:
            await asyncio.wrap_future(closing)
        self._executor.shutdown(wait=False)

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _submit(self, work, *, needs_db: bool = False) -> Future | None:
        if self._stopped:  # a game that ends after the server stopped has nowhere to write
            return None

        def run() -> None:
            try:
                if needs_db:
                    if self._db is not None:
                        work(self._db)
                else:
                    work()
            except Exception:
                log.exception("could not write to the results database %s", shown(self.path))

        return self._executor.submit(run)
