"""Reminder fixtures: a running clock, a local webhook receiver, and the database task queue with a worker."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import NOW


@pytest.fixture
def clock(record, people):
    """A level 3 incident whose 24-hour GDPR-assessment clock started at NOW."""
    people["manager"].email = "manager@example.org"
    people["manager"].save()
    incident = record(detected_at=NOW, facts={"personal_data": {"involved": True}, "published_externally": False})
    return incident.obligations.get(rule_id="PROC-4-L3-GDPR-ASSESSMENT")


class Hook(BaseHTTPRequestHandler):
    """A webhook receiver that keeps every request it accepted (headers and body); it can refuse the first few."""

    received: list = []  # (signature header, body) of accepted requests
    requests: list = []  # (status answered, headers (case-insensitive), body) of every request, refused ones included
    fail_first = 0

    def do_POST(self):  # noqa: N802 - http.server's hook name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.requests.append((503 if Hook.fail_first > 0 else 200, self.headers, body))
        if Hook.fail_first > 0:
            Hook.fail_first -= 1
            self.send_response(503)
            self.end_headers()
            return
        Hook.received.append((self.headers.get("X-IncidentDesk-Signature"), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    Hook.received, Hook.requests, Hook.fail_first = [], [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


@pytest.fixture
def task_queue(settings, monkeypatch):
    """The production task backend (rows in the database) instead of running tasks at enqueue time.

    Returns ``drain()``, which runs every ready task with django-tasks-db's own worker, as
    ``incidentdesk db_worker`` does, and returns how many it ran.
    """
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.management.commands.db_worker import Worker

    # The worker closes connections it finds inside a transaction; a test's database is one.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def drain() -> int:
        worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                        startup_delay=False, max_tasks=None, worker_id="test-worker", excluded_queue_names=[])
        worker.run()
        return worker._run_tasks

    return drain
