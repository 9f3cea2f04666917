"""Limits shared by every server process: the reporting channel's per-client limit and the sign-in lock-out
are counted in the database, so four workers enforce one limit, not four (a per-process cache let 17 of
40 reports through a limit of 5 on four workers). Each test forks real processes, each with its own
database connection, as gunicorn's workers are; on SQLite and on PostgreSQL."""

import multiprocessing

import pytest

from conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def in_processes(work, processes: int) -> list:
    """Run ``work(n)`` in ``processes`` forked processes started together; their results, in order."""
    from django.db import connections

    connections.close_all()  # each child opens its own connection, like a server worker
    context = multiprocessing.get_context("fork")
    queue, barrier = context.Queue(), context.Barrier(processes)

    def child(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            queue.put((n, work(n)))
        except Exception as exc:  # reported to the parent, asserted there
            queue.put((n, exc))
        finally:
            connections.close_all()

    children = [context.Process(target=child, args=(n,)) for n in range(processes)]
    for c in children:
        c.start()
    results = dict(queue.get(timeout=300) for _ in children)
    for c in children:
        c.join(timeout=60)
    errors = [r for r in results.values() if isinstance(r, Exception)]
    assert errors == []
    return [results[n] for n in range(processes)]


def test_four_processes_accept_exactly_the_reporting_limit(transactional_register, settings):
    from django.test import Client

    from incidentdesk.intake.models import TriageItem

    settings.REPORTS_PER_HOUR = 5

    def send(n: int) -> list[int]:
        client = Client(REMOTE_ADDR="203.0.113.7")
        return [client.post("/report/", {"title": f"Concern {n}-{i}", "details": "x"}).status_code
                for i in range(10)]

    statuses = [s for per_process in in_processes(send, 4) for s in per_process]
    assert statuses.count(200) == 5, statuses
    assert statuses.count(429) == 35
    assert TriageItem.objects.count() == 5


def test_the_lock_out_counts_failures_from_every_process(transactional_register, people, settings):
    """Five failures, one in each of five processes, lock the username for that client everywhere."""
    from axes.models import AccessAttempt
    from django.test import Client

    def fail(n: int) -> int:
        return Client(REMOTE_ADDR="203.0.113.66").post(
            "/login/", {"username": "p-manager", "password": "wrong"}).status_code

    in_processes(fail, settings.AXES_FAILURE_LIMIT)
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == settings.AXES_FAILURE_LIMIT
    locked = Client(REMOTE_ADDR="203.0.113.66").post("/login/", {"username": "p-manager", "password": PASSWORD})
    assert locked.status_code == 429
    elsewhere = Client(REMOTE_ADDR="198.51.100.9").post("/login/", {"username": "p-manager", "password": PASSWORD})
    assert elsewhere.status_code == 302
