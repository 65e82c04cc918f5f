"""Where voci's settings come from: command-line options, then environment, then defaults.

Every option of the `voci` command also reads an environment variable (VOCI_<NAME>); the
defaults live here, once, so the CLI, the daemon and the tests agree on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline import USER_AGENT
from pipeline.fetch import FetchConfig
from pipeline.sources import default_sources_path
from pipeline.store import DEFAULT_DB_URL

ENV_PREFIX = "VOCI"


@dataclass(frozen=True)
class Settings:
    db_url: str = DEFAULT_DB_URL
    sources_path: Path | None = None  # None: the sources.yaml shipped with voci
    fetch: FetchConfig = FetchConfig(user_agent=USER_AGENT)

    @property
    def sources_file(self) -> Path:
        return self.sources_path or default_sources_path()
