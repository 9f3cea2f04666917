"""Django's SQLite backend, with the writers of every process queued on one file lock (issue 16).

SQLite lets one transaction write at a time; every transaction here starts ``BEGIN IMMEDIATE`` (settings). A
writer that finds the lock taken sleeps in SQLite's busy handler, which backs off 1, 2, 5, 10 … 100 ms between
tries: with a lock held for well under a millisecond, two or four busy processes spend most of their time
asleep, and intake fell from 2,017 alerts/s with one sender to 985/s with two (issue 16). Here a transaction
first takes an exclusive ``flock`` on ``<database>-writer.lock``: the kernel wakes the next waiter the moment
the holder commits, so writers queue instead of polling. The lock is released at COMMIT or ROLLBACK, and by the
kernel if the process dies, so a crash never leaves it held.

SQLite's own lock stays the rule (an autocommit write outside a transaction, or another program, still takes
it; the busy timeout still applies to them): the file lock only decides who goes next, never whether a write
is safe. An in-memory database, which has one connection, takes no file lock.
"""

from __future__ import annotations

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_fd: int | None = None
    _writer_pid: int | None = None
    _writer_held = False

    def _lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or name.startswith("file:"):
            return None
        return f"{name}-writer.lock"

    def _take_writer_lock(self) -> None:
        path = self._lock_path()
        if path is None:
            return
        if self._writer_fd is None or self._writer_pid != os.getpid():
            # A forked child opens its own: the parent's descriptor (and any lock on it) stays the parent's.
            self._writer_fd, self._writer_pid = os.open(path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
        fcntl.flock(self._writer_fd, fcntl.LOCK_EX)
        self._writer_held = True

    def _release_writer_lock(self) -> None:
        if self._writer_held and self._writer_fd is not None and self._writer_pid == os.getpid():
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)
        self._writer_held = False

    def _start_transaction_under_autocommit(self):
        self._take_writer_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_writer_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writer_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_writer_lock()
            if self._writer_fd is not None and self._writer_pid == os.getpid():
                os.close(self._writer_fd)
            self._writer_fd = self._writer_pid = None
