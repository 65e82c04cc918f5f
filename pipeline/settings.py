"""Where voci's settings come from: command-line options, then environment, then defaults.

Every option of the `voci` command also reads an environment variable (VOCI_<NAME>); the
defaults live here, once, so the CLI, the daemon and the tests agree on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import USER_AGENT
from pipeline.sources import default_sources_path

if TYPE_CHECKING:
    from pipeline.fetch import FetchConfig

ENV_PREFIX = "VOCI"
DEFAULT_DB_URL = "sqlite:///voci.db"  # ./voci.db: zero set-up


def _default_fetch() -> FetchConfig:
    from pipeline.fetch import FetchConfig  # the HTTP stack only for commands that fetch

    return FetchConfig(user_agent=USER_AGENT)


@dataclass(frozen=True)
class Settings:
    db_url: str = DEFAULT_DB_URL
    sources_path: Path | None = None  # None: the sources.yaml shipped with voci

    @cached_property
    def fetch(self) -> FetchConfig:
        """How to fetch: built on first use, so that commands that do not fetch do not
        load the HTTP stack."""
        return _default_fetch()

    @property
    def sources_file(self) -> Path:
        return self.sources_path or default_sources_path()
