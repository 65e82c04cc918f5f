"""The player registry: who is a footballer, where he plays, who coaches (open data).

  dataset.py  reading the transfermarkt-datasets tables (CC0), full or reduced schema
  index.py    `Registry`: names -> players, a player's club on a day, clubs linked to
              voci's club ids, coaches
  data/       the packaged snapshot (with its licence) and the nicknames file

`active()` is the registry claims are read with: the last `voci registry import` when the
database has one (`activate(store)` at a command's start), else the packaged snapshot.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..claims.clubs import default_clubs
from .dataset import Dataset, DatasetError, read_dataset
from .index import Registry, RegPlayer, load_nicknames, name_key

SNAPSHOT = Path(__file__).with_name("data")

_active: Registry | None = None


@lru_cache(maxsize=1)
def snapshot() -> Registry:
    """The registry of the packaged snapshot, built once per process."""
    return Registry(read_dataset(SNAPSHOT), default_clubs(), load_nicknames())


def from_dataset(dataset: Dataset) -> Registry:
    return Registry(dataset, default_clubs(), load_nicknames())


def active() -> Registry:
    """The registry claims are read with in this process."""
    return _active if _active is not None else snapshot()


def activate(registry: Registry | None) -> None:
    """Read claims with this registry from now on (None: the packaged snapshot)."""
    global _active
    _active = registry


__all__ = ["Dataset", "DatasetError", "RegPlayer", "Registry", "activate", "active",
           "from_dataset", "name_key", "read_dataset", "snapshot"]
