"""The kill -9 drill (issue 10): the web process, the worker and the reminder schedule are killed mid-way
while incidents are being recorded and reminders delivered, then restarted.

Afterwards: every incident whose creation was acknowledged (201) exists; the audit chain verifies; every
claimed reminder has exactly its deliveries, all delivered; and what the mail server and the webhook receiver
got is never doubled except as the same delivery (same key) sent again, which is what "at least once with
idempotency keys" allows.

It runs on the database the suite runs on: a file SQLite database, or with INCIDENTDESK_DB_ENGINE=postgres a
temporary PostgreSQL database on the same server. The worker is killed while the webhook receiver holds a
request open, so a task is always left RUNNING and the recovery (after INCIDENTDESK_TASK_TIMEOUT_SECONDS) and
the re-send with the same key are always exercised. Clocks are relative to the moment the drill runs.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SECRET = "drill-webhook-secret"
TASK_TIMEOUT = 4  # seconds: a task RUNNING longer than this was left by a dead worker
PACE = 0.3  # seconds between two incidents: each brings a few due reminders, three deliveries each


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Receiver(BaseHTTPRequestHandler):
    """A webhook receiver that records every post. When armed, it holds the next one open (the sender is
    then waiting for the answer) and tells the drill, which kills the worker at that moment."""

    posts: list = []
    armed = threading.Event()
    holding = threading.Event()

    def do_POST(self):  # noqa: N802 - http.server's hook name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.posts.append({name: self.headers.get(name) for name in (
            "Idempotency-Key", "X-IncidentDesk-Delivery", "X-IncidentDesk-Timestamp", "X-IncidentDesk-Signature")}
            | {"body": body})
        if Receiver.armed.is_set():
            Receiver.armed.clear()
            Receiver.holding.set()
            time.sleep(1.5)
        else:
            time.sleep(0.02)
        try:
            self.send_response(200)
            self.end_headers()
        except OSError:
            pass  # the sender was killed meanwhile

    def log_message(self, *args):
        pass


class Mailbox:
    """The SMTP server's side: who got which message (subject and Message-ID)."""

    def __init__(self):
        self.messages: list[dict] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)  # decodes the subject
        for rcpt in envelope.rcpt_tos:
            self.messages.append({"to": rcpt, "subject": " ".join(str(message["Subject"]).split()),
                                  "message_id": str(message["Message-ID"]),
                                  "delivery": str(message["X-IncidentDesk-Delivery"])})
        return "250 OK"


@pytest.fixture
def database():
    """Settings for a database of the drill's own: a file for SQLite, a temporary database on PostgreSQL."""
    if os.environ.get("INCIDENTDESK_DB_ENGINE") != "postgres":
        yield {}
        return
    import psycopg

    server = {"host": os.environ.get("INCIDENTDESK_DB_HOST", "127.0.0.1"),
              "port": os.environ.get("INCIDENTDESK_DB_PORT", "5432"),
              "user": os.environ.get("INCIDENTDESK_DB_USER", "incidentdesk"),
              "password": os.environ.get("INCIDENTDESK_DB_PASSWORD", "")}
    name = f"idk_kill9_{secrets.token_hex(4)}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield {"INCIDENTDESK_DB_ENGINE": "postgres", "INCIDENTDESK_DB_NAME": name,
           "INCIDENTDESK_DB_HOST": server["host"], "INCIDENTDESK_DB_PORT": server["port"],
           "INCIDENTDESK_DB_USER": server["user"], "INCIDENTDESK_DB_PASSWORD": server["password"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Drill:
    """The processes, as production runs them: the web server, the worker and the reminder schedule."""

    def __init__(self, tmp_path: Path, env: dict[str, str]):
        self.tmp, self.env, self.port = tmp_path, env, free_port()
        self.processes: dict[str, subprocess.Popen] = {}
        self.starts = 0

    def manage(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], capture_output=True, text=True,
                              env=self.env, cwd=self.tmp, timeout=timeout)

    def python(self, code: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                              env=self.env | {"PYTHONPATH": str(ROOT)}, cwd=self.tmp, timeout=timeout)

    def start(self) -> None:
        self.starts += 1
        commands = {
            "web": ["runserver", "--noreload", "--skip-checks", f"127.0.0.1:{self.port}"],
            "worker": ["db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload"],
            "remind": ["incidentdesk", "remind", "--loop", "1"],
        }
        for name, args in commands.items():
            log = open(self.tmp / f"{name}-{self.starts}.log", "w")  # noqa: SIM115 - the process keeps it
            self.processes[name] = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), *args], env=self.env,
                                                    cwd=self.tmp, stdout=log, stderr=subprocess.STDOUT,
                                                    start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the web server did not start: " + self.logs())

    def kill(self) -> None:
        """kill -9: no handler runs, no transaction is finished, nothing is flushed."""
        for process in self.processes.values():
            os.kill(process.pid, signal.SIGKILL)
        for process in self.processes.values():
            process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def logs(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text()[-3000:]}" for path in sorted(self.tmp.glob("*.log")))


SETUP = """
import sys, django
django.setup()
from incidentdesk.accounts import tokens
from incidentdesk.accounts.services import add_person
from incidentdesk.organisation.services import save_profile
from incidentdesk.reminders.models import Preference
save_profile(by=None, name="Drill BV", country="BE", time_zone="Europe/Brussels",
             supervisory_authority="Belgian DPA", ai_act_role="deployer")
ana = add_person(username="ana", password="a-long-drill-password", role="incident_manager", by=None,
                 email="ana@example.org")
add_person(username="ben", password="a-long-drill-password", role="administrator", by=None, email="ben@example.org")
Preference.objects.create(user=ana, webhook_url=sys.argv[1], webhook_secret=sys.argv[2])
print(tokens.create_token(user=ana, name="drill", scopes=["read", "write"], by=ana)[1])
"""

PROBE = """
import json, sys, time, django
django.setup()
from django.db.models import Count
from django_tasks_db.models import DBTaskResult
from incidentdesk.audit.models import AuditEvent
from incidentdesk.incidents.models import Incident
from incidentdesk.reminders import services
from incidentdesk.reminders.models import Delivery, Reminder

def state():
    tasks = dict(DBTaskResult.objects.order_by().values_list("status").annotate(n=Count("id")))
    return {"tasks": tasks, "open": Delivery.objects.filter(status__in=["pending", "sending"]).count(),
            "unclaimed_due": len(services.due())}

deadline = time.monotonic() + float(sys.argv[1])
while time.monotonic() < deadline:
    now = state()
    if not now["open"] and not now["unclaimed_due"] and not now["tasks"].get("READY") \\
            and not now["tasks"].get("RUNNING"):
        break
    time.sleep(0.5)
reminders = {r.pk: {"claimed": r.sent_at is not None, "deliveries": []} for r in Reminder.objects.all()}
for d in Delivery.objects.order_by("pk"):
    reminders[d.reminder_id]["deliveries"].append(
        {"channel": d.channel, "target": d.target, "status": d.status, "key": str(d.key), "attempts": d.attempts,
         "subject": d.subject, "error": d.last_error})
print(json.dumps({"state": state(), "references": list(Incident.objects.values_list("reference", flat=True)),
                  "reminders": reminders, "requeued": AuditEvent.objects.filter(action="task.requeued").count()}))
"""


def record_incidents(drill: Drill, token: str, stop: threading.Event, acknowledged: list, refused: list) -> None:
    """Record incidents through the API, one after another, as long as asked; keep what was acknowledged."""
    detected = (datetime.now(UTC) - timedelta(hours=13)).isoformat()  # the 24-hour clocks are past 50%
    n = 0
    while not stop.is_set():
        n += 1
        body = json.dumps({"title": f"Drill incident {n}", "description": "Recorded during the kill -9 drill.",
                           "detected_at": detected, "detection_source": "own_observation",
                           "facts": {"personal_data": {"involved": True}, "published_externally": False}}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{drill.port}/api/incidents", data=body, method="POST",
                                         headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                if response.status == 201:
                    acknowledged.append(json.loads(response.read())["reference"])
            time.sleep(PACE)
        except urllib.error.HTTPError as exc:
            refused.append(f"{exc.code}: {exc.read()[:300]!r}")
        except OSError:
            time.sleep(0.05)  # the server is down (killed, or not back yet): not acknowledged, try again


def wait_for(condition, seconds: float, what: str, drill: Drill) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{drill.logs()}")
        time.sleep(0.05)


def test_kill_minus_nine_loses_no_incident_no_event_and_no_reminder(tmp_path, database):
    hook = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.posts = []
    Receiver.armed.clear()
    Receiver.holding.clear()
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    hook_url = f"http://127.0.0.1:{hook.server_address[1]}/hook/T0001/secret-path"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INCIDENTDESK_", "DJANGO_"))} | {
        "DJANGO_SETTINGS_MODULE": "incidentdesk.settings", "INCIDENTDESK_DATA_DIR": str(tmp_path),
        "INCIDENTDESK_DB_NAME": str(tmp_path / "drill.sqlite3"), "INCIDENTDESK_SMTP_HOST": "127.0.0.1",
        "INCIDENTDESK_SMTP_PORT": str(smtp.port), "INCIDENTDESK_TASK_TIMEOUT_SECONDS": str(TASK_TIMEOUT),
        "INCIDENTDESK_DELIVERY_BACKOFF_SECONDS": "0.1", "PYTHONUNBUFFERED": "1"} | database
    drill = Drill(tmp_path, env)
    stop, acknowledged, refused = threading.Event(), [], []
    poster = threading.Thread(target=record_incidents, args=(drill, "", stop, acknowledged, refused))
    try:
        migrated = drill.manage("migrate", "--verbosity", "0")
        assert migrated.returncode == 0, migrated.stderr
        setup = drill.python(SETUP, hook_url, SECRET)
        assert setup.returncode == 0, setup.stderr
        token = setup.stdout.strip().splitlines()[-1]
        drill.start()
        poster = threading.Thread(target=record_incidents, args=(drill, token, stop, acknowledged, refused),
                                  daemon=True)
        poster.start()

        # Writes are under way and the worker has a backlog; kill everything while a webhook is in flight.
        wait_for(lambda: len(acknowledged) >= 4 and len(Receiver.posts) >= 3, 40, "incidents and webhooks", drill)
        Receiver.armed.set()
        wait_for(Receiver.holding.is_set, 20, "a webhook in flight", drill)
        drill.kill()
        killed_at = len(acknowledged)
        after_kill = json.loads(drill.python(PROBE, "0").stdout)
        assert after_kill["state"]["tasks"].get("RUNNING"), "the worker was killed mid-task"
        assert after_kill["state"]["open"] > 0, "the worker was killed with deliveries still to send"

        drill.start()
        wait_for(lambda: len(acknowledged) >= killed_at + 3, 30, "incidents after the restart", drill)
        stop.set()
        poster.join(timeout=15)
        time.sleep(2.5)  # two passes of the schedule plan and claim the last incidents' reminders
        probe = drill.python(PROBE, "45", timeout=90)
        assert probe.returncode == 0, probe.stderr
        final = json.loads(probe.stdout)
        drill.stop()
        verified = drill.manage("incidentdesk", "audit", "verify")
    finally:
        stop.set()
        drill.stop()
        smtp.stop()
        hook.shutdown()
        hook.server_close()

    # No acknowledged incident is lost, and the chain is intact.
    assert not refused, refused
    assert set(acknowledged) <= set(final["references"]), set(acknowledged) - set(final["references"])
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # Nothing is stuck: every due reminder was claimed, every task ran, every delivery is settled.
    state = final["state"]
    assert (state["open"], state["unclaimed_due"]) == (0, 0), state
    assert set(state["tasks"]) == {"SUCCESSFUL"}, state
    assert final["requeued"] >= 1  # the task the worker died in was put back in the queue

    # Every claimed reminder has exactly its deliveries (each person, each channel, once), all delivered.
    expected = {("email", "ana@example.org"), ("webhook", hook_url), ("email", "ben@example.org")}
    claimed = [r for r in final["reminders"].values() if r["claimed"]]
    assert len(claimed) >= 2 * len(acknowledged)  # each incident's 24-hour clocks are past 50%
    deliveries = [d for r in claimed for d in r["deliveries"]]
    # Issue 13: ana recorded the incidents and owns them, so an early reminder reaches her alone (the owner first);
    # an overdue one reaches every incident manager.
    owner_only = {("email", "ana@example.org"), ("webhook", hook_url)}
    for reminder in claimed:
        targets = [(d["channel"], d["target"]) for d in reminder["deliveries"]]
        assert sorted(targets) in (sorted(expected), sorted(owner_only)), reminder
    assert {d["status"] for d in deliveries} == {"delivered"}, [d for d in deliveries if d["status"] != "delivered"]

    # What the receivers got: every delivery arrived; a duplicate is only ever the same delivery again.
    webhook_keys = {d["key"] for d in deliveries if d["channel"] == "webhook"}
    received = defaultdict(set)
    for post in Receiver.posts:
        payload = json.loads(post["body"])
        assert post["Idempotency-Key"] == post["X-IncidentDesk-Delivery"] == payload["delivery_id"]
        signed = post["X-IncidentDesk-Timestamp"].encode() + b"." + post["body"]
        assert post["X-IncidentDesk-Signature"] == "sha256=" + hmac.new(SECRET.encode(), signed,
                                                                         hashlib.sha256).hexdigest()
        received[(payload["incident"], payload["rule_id"], payload["due_at"], payload["event"])].add(
            post["Idempotency-Key"])
    assert {post["Idempotency-Key"] for post in Receiver.posts} == webhook_keys
    assert all(len(keys) == 1 for keys in received.values()), "one reminder reached the webhook under two keys"
    assert len(Receiver.posts) > len(webhook_keys)  # the post the worker died waiting for was sent again

    emails = {d["key"]: (d["target"], " ".join(d["subject"].split())) for d in deliveries if d["channel"] == "email"}
    for message in mailbox.messages:  # each message is a delivery's, under its key, resent only as itself
        assert emails[message["delivery"]] == (message["to"], message["subject"])
        assert message["message_id"].startswith(f"<{message['delivery']}@")
    assert {m["delivery"] for m in mailbox.messages} == set(emails)
