"""SQLite writers queue on a file lock (dbbackends/sqlite3): a writer waits for the one in its transaction and
goes the moment it commits or rolls back, in another thread or another process; the lock never outlives a
transaction."""

import fcntl
import multiprocessing
import os
import threading
import time

import pytest
from django.db import connection, connections, transaction

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the writer lock is SQLite's")
    assert type(connections["default"]).__module__ == "incidentdesk.dbbackends.sqlite3.base"
    return connection.settings_dict["NAME"] + "-writer.lock"


def _free(path: str) -> bool:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def test_the_lock_is_held_for_the_transaction_only(sqlite_only):
    from incidentdesk.intake.models import RateCounter

    assert _free(sqlite_only)
    with transaction.atomic():
        RateCounter.objects.create(key="a", hits=1, expires_at="2026-12-02T10:00:00Z")
        assert not _free(sqlite_only)
    assert _free(sqlite_only)

    def fails() -> None:
        with transaction.atomic():
            RateCounter.objects.create(key="b", hits=1, expires_at="2026-12-02T10:00:00Z")
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        fails()
    assert _free(sqlite_only), "a rollback releases it"
    assert RateCounter.objects.count() == 1


def test_a_second_writer_waits_for_the_first_and_then_writes(sqlite_only):
    """Held far beyond nothing, well under the busy timeout: the second thread writes right after, no error."""
    from incidentdesk.intake.models import RateCounter

    holding, order, errors = threading.Event(), [], []

    def second():
        try:
            holding.wait(5)
            with transaction.atomic():
                order.append("second")
                RateCounter.objects.create(key="second", hits=1, expires_at="2026-12-02T10:00:00Z")
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=second)
    thread.start()
    with transaction.atomic():
        RateCounter.objects.create(key="first", hits=1, expires_at="2026-12-02T10:00:00Z")
        holding.set()
        time.sleep(0.3)
        order.append("first")
    thread.join(10)
    assert errors == []
    assert order == ["first", "second"]
    assert RateCounter.objects.count() == 2


def test_forked_writers_queue_and_all_write(sqlite_only):
    """Four processes, 50 short transactions each, as four server workers: all land, none sees 'locked'."""
    from incidentdesk.intake.models import RateCounter

    connections.close_all()
    context = multiprocessing.get_context("fork")

    def work(n: int) -> None:
        try:
            for i in range(50):
                with transaction.atomic():
                    RateCounter.objects.create(key=f"{n}-{i}", hits=1, expires_at="2026-12-02T10:00:00Z")
        finally:
            connections.close_all()

    children = [context.Process(target=work, args=(n,)) for n in range(4)]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
    assert [c.exitcode for c in children] == [0, 0, 0, 0]
    assert RateCounter.objects.count() == 200
    assert _free(sqlite_only)
