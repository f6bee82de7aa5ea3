"""PostgreSQL for the end-to-end suite.

With `SAGETAG_E2E_DATABASE_URL` set (the URL of a PostgreSQL database where
this user may create schemas; `scripts/test.sh` starts a cluster with
`scripts/pg.sh` and sets it), every server the suite starts keeps its state in
PostgreSQL instead of SQLite: `--database-url` takes the place of
`--data-dir`. Each data directory stands for its own schema in that database,
reached through `search_path` in the URL's `options`; it is created on first
use and remembered in the directory, so a server started again on the same
directory (the durability tests) finds its state, and two servers given the
same directory share it (the multi-server tests). The schemas are dropped
when the test process ends.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ENV = "SAGETAG_E2E_DATABASE_URL"
MARKER = "database-url"

_created: list[str] = []


def admin_url() -> str | None:
    """The database's URL, or None when the suite runs on SQLite."""
    return os.environ.get(ENV) or None


def _psql(sql: str) -> None:
    admin = admin_url()
    assert admin, f"{ENV} is not set"
    subprocess.run(
        ["psql", admin, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
        timeout=60,
    )


def url_for(data_dir: Path) -> str:
    """The URL that reaches the schema standing for `data_dir`, created if new."""
    marker = data_dir / MARKER
    if marker.exists():
        return marker.read_text().strip()
    name = f"sagetag_e2e_{uuid.uuid4().hex[:16]}"
    _psql(f"CREATE SCHEMA {name}")
    _created.append(name)
    parts = urlsplit(admin_url() or "")
    query = "&".join(filter(None, [parts.query, "options=" + quote(f"-c search_path={name}")]))
    url = urlunsplit(parts._replace(query=query))
    marker.write_text(url)
    return url


def store_flags(data_dir: Path) -> list[str]:
    """The flags that name a server's store: its data dir, or its schema."""
    if admin_url() is None:
        return ["--data-dir", str(data_dir)]
    return ["--database-url", url_for(data_dir)]


@atexit.register
def _drop_schemas() -> None:
    """Drops every schema this process created; the servers are gone by now."""
    for start in range(0, len(_created), 50):
        names = ", ".join(_created[start : start + 50])
        try:
            _psql(f"SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS {names} CASCADE")
        except (subprocess.SubprocessError, AssertionError):
            pass
