"""Nothing shared lives in a server process (issue 16): with several web processes, workers and schedulers,
on several machines, a limit or a mark kept in one process's memory holds per process. The database is the
one place; these tests keep it so (the shared limits themselves: test_shared_limits.py, across processes)."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _sources():
    for path in ROOT.rglob("*.py"):
        if "tests" not in path.parts and "migrations" not in path.parts:
            yield path, ast.parse(path.read_text())


def test_django_cache_is_never_a_per_process_memory_cache():
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend != "django.core.cache.backends.locmem.LocMemCache"
    assert backend in ("django.core.cache.backends.dummy.DummyCache",
                       "django.core.cache.backends.db.DatabaseCache",
                       "django.core.cache.backends.redis.RedisCache")


def test_no_module_uses_django_cache():
    """A use of django.core.cache would be a miss (the dummy cache): shared state goes in a table instead."""
    users = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom) else
                     [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            if any(n == "django.core.cache" or n.startswith("django.core.cache.") for n in names):
                users.append(str(path.relative_to(ROOT)))
            if isinstance(node, ast.ImportFrom) and node.module == "django.core" and \
                    any(a.name in ("cache", "caches") for a in node.names):
                users.append(str(path.relative_to(ROOT)))
    assert users == []


def test_process_caches_hold_only_files_shipped_with_the_code():
    """``functools.cache``/``lru_cache`` keep a value for the life of the process: fine for rule files and
    vocabularies shipped with the code, wrong for anything read from the database (an edit in one process
    would never reach the others). A cached function that names ``objects``, ``connection`` or ``raw`` fails."""
    suspicious = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            decorators = {ast.unparse(d).split("(")[0] for d in node.decorator_list}
            if not decorators & {"cache", "lru_cache", "functools.cache", "functools.lru_cache"}:
                continue
            body = ast.unparse(node)
            if any(word in body for word in (".objects", "connection", ".raw(", "settings.AUDIT_KEY")):
                suspicious.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert suspicious == []


def test_sign_in_lock_out_counts_in_the_database():
    from axes.conf import settings as axes_settings

    assert axes_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_no_api_throttle_keeps_counts_in_a_process():
    """django-ninja's throttles count in django.core.cache: none is used (limits are counted in the database,
    ``intake.ratelimit``)."""
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ninja.throttling"):
                raise AssertionError(f"{path.relative_to(ROOT)} uses ninja's throttling")
            if isinstance(node, ast.keyword) and node.arg == "throttle":
                raise AssertionError(f"{path.relative_to(ROOT)} sets a ninja throttle")
