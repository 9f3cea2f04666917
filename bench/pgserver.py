"""A private PostgreSQL server for the benchmarks, started and stopped like ``scripts/test-suite.sh`` does.

``initdb`` in a temporary folder, a free port on 127.0.0.1, ``runuser -u postgres`` when run as root.
Unlike the test suite, the server keeps ``fsync=on`` (decision 198): reads do not touch the disk once the
data is cached, but recording an incident and every logged export commit, and a benchmark of those must
pay what production pays. ``shared_buffers`` is raised from the 128 MB default to 512 MB, a modest
production setting, so a million-incident register fits the server's cache as it would on a real host.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SETTINGS = ("-c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c work_mem=16MB "
            "-c effective_cache_size=4GB -c max_wal_size=4GB")


def _binaries() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql), or give --pg-port of a server.")
    return found[-1].parent


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else command


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateServer:
    """``with PrivateServer() as port:`` a fresh server with role incidentdesk/incidentdesk, gone afterwards."""

    def __init__(self, keep: Path | None = None):
        self.keep = keep  # a data folder to reuse (and leave) instead of a temporary one
        self.port = free_port()

    def __enter__(self) -> int:
        bin_ = _binaries()
        fresh = self.keep is None or not (self.keep / "PG_VERSION").exists()
        self.data = self.keep or Path(tempfile.mkdtemp(prefix="incidentdesk-bench-pg-"))
        self.data.mkdir(parents=True, exist_ok=True)
        if os.getuid() == 0:
            shutil.chown(self.data, "postgres")
        if fresh:
            subprocess.run(_as_postgres([str(bin_ / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]),
                           check=True, capture_output=True)
        subprocess.run(_as_postgres([str(bin_ / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "server.log"),
                                     "-w", "-o", f"-p {self.port} -k /tmp {SETTINGS}", "start"]),
                       check=True, capture_output=True)
        self.bin = bin_
        if fresh:
            subprocess.run([str(bin_ / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-q", "-c",
                            "CREATE ROLE incidentdesk LOGIN SUPERUSER PASSWORD 'incidentdesk'"], check=True,
                           capture_output=True)
        return self.port

    def __exit__(self, *exc) -> None:
        subprocess.run(_as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"]),
                       capture_output=True)
        if self.keep is None:
            shutil.rmtree(self.data, ignore_errors=True)


def admin_connection(*, host: str, port: int, user: str, password: str):
    import psycopg

    return psycopg.connect(host=host, port=port, user=user, password=password, dbname="postgres", autocommit=True)


def recreate_database(name: str, *, host: str, port: int, user: str, password: str,
                      template: str | None = None) -> None:
    """Drop ``name`` if it exists and create it (empty, or a copy of ``template``)."""
    with admin_connection(host=host, port=port, user=user, password=password) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def drop_database(name: str, *, host: str, port: int, user: str, password: str) -> None:
    with admin_connection(host=host, port=port, user=user, password=password) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
