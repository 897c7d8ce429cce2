"""Instance configuration: `workbench.toml` (path overridable by the WORKBENCH_CONFIG variable).

Local use needs no file: every key has a default that suits one analyst on their own machine.
A shared (hosted) instance sets a few keys, for example:

    [data]
    shared_dataset = "/srv/shop/parquet"   # the dataset everyone reads ("" = the sample shop)
    read_only = true                       # no folder picker for other server paths

    [limits]
    upload_mb = 200          # largest upload accepted
    upload_rows = 5_000_000  # most rows in one uploaded table
    result_rows = 10_000     # most rows a scratchpad query returns
    query_seconds = 10       # a scratchpad query is killed after this long
    memory_limit = "1GB"     # DuckDB memory limit of the scratchpad worker
    threads = 1              # DuckDB threads of the scratchpad worker

    [auth]
    mode = "password"        # "none" | "password" (st.secrets["workbench_password"]) | "oidc" (st.login)
    user_queries = "~/.local/share/workbench/queries"   # where saved scratchpad queries go
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

ENV = "WORKBENCH_CONFIG"
DEFAULT_PATH = Path("workbench.toml")
AUTH_MODES = ("none", "password", "oidc")


@dataclass(frozen=True)
class Config:
    shared_dataset: str = ""
    read_only: bool = False
    upload_mb: int = 200
    upload_rows: int = 5_000_000
    result_rows: int = 10_000
    query_seconds: float = 10.0
    memory_limit: str = "1GB"
    threads: int = 1
    auth: str = "none"
    user_queries: str = str(Path.home() / ".local" / "share" / "workbench" / "queries")

    @property
    def upload_bytes(self) -> int:
        return int(self.upload_mb * 1024 * 1024)


SECTIONS = {
    "data": {"shared_dataset": "shared_dataset", "read_only": "read_only"},
    "limits": {
        "upload_mb": "upload_mb",
        "upload_rows": "upload_rows",
        "result_rows": "result_rows",
        "query_seconds": "query_seconds",
        "memory_limit": "memory_limit",
        "threads": "threads",
    },
    "auth": {"mode": "auth", "user_queries": "user_queries"},
}


class ConfigError(ValueError):
    pass


def load(path: str | Path | None = None) -> Config:
    """Read the configuration; a missing default file means all defaults."""
    explicit = path or os.environ.get(ENV)
    p = Path(explicit) if explicit else DEFAULT_PATH
    if not p.is_file():
        if explicit:
            raise ConfigError(f"{ENV}={p}: file not found")
        return Config()
    raw = tomllib.loads(p.read_text(encoding="utf-8"))
    known = {f.name: f.type for f in fields(Config)}
    values = {}
    for section, body in raw.items():
        if section not in SECTIONS or not isinstance(body, dict):
            raise ConfigError(f"{p}: unknown section [{section}] (known: {', '.join(SECTIONS)})")
        for key, value in body.items():
            if key not in SECTIONS[section]:
                raise ConfigError(f"{p}: unknown key {section}.{key}")
            values[SECTIONS[section][key]] = value
    assert known
    cfg = Config(**values)
    if cfg.auth not in AUTH_MODES:
        raise ConfigError(f"{p}: auth.mode must be one of {AUTH_MODES}, not {cfg.auth!r}")
    if cfg.query_seconds <= 0 or cfg.result_rows <= 0 or cfg.upload_mb <= 0:
        raise ConfigError(f"{p}: limits must be positive")
    return cfg


@lru_cache(maxsize=1)
def current() -> Config:
    """The configuration of this server process (read once)."""
    return load()


# ---------------------------------------------------------------- limits
from .errors import WorkbenchError  # noqa: E402


class LimitError(WorkbenchError):
    """A configured limit was exceeded; the message says which and by how much."""


def check_upload_size(nbytes: int, cfg: Config | None = None) -> None:
    """Raise LimitError when an upload is larger than `limits.upload_mb`."""
    cfg = cfg or current()
    if nbytes > cfg.upload_bytes:
        raise LimitError("limit.upload_too_large", size_mb=nbytes / 1024 / 1024, limit_mb=cfg.upload_mb)


def check_rows(row_counts: dict[str, int], cfg: Config | None = None) -> None:
    """Raise LimitError when an uploaded table has more rows than `limits.upload_rows`."""
    cfg = cfg or current()
    for table, rows in row_counts.items():
        if rows > cfg.upload_rows:
            raise LimitError("limit.too_many_rows", table=table, rows=rows, limit=cfg.upload_rows)
