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
from .dataset import Dataset, DatasetError, PlayerRow, read_dataset
from .index import Registry, RegPlayer, load_nicknames, name_key

SNAPSHOT = Path(__file__).with_name("data")

_active: Registry | None = None


@lru_cache(maxsize=1)
def snapshot() -> Registry:
    """The registry of the packaged snapshot, built once per process."""
    return Registry(read_dataset(SNAPSHOT), default_clubs(), load_nicknames())


def from_dataset(dataset: Dataset) -> Registry:
    return Registry(dataset, default_clubs(), load_nicknames())


_pending: str | None = None  # a database whose imported registry is built on first use


def active() -> Registry:
    """The registry claims are read with in this process."""
    global _active, _pending
    if _active is None and _pending is not None:
        from pipeline.store import Store

        with Store(_pending, migrate=False) as store:
            dataset = store.registry_dataset()
        _active, _pending = (from_dataset(dataset) if dataset is not None else None), None
    return _active if _active is not None else snapshot()


def player_rows(ids: set[int]) -> list[dict]:
    """registry_players rows for these ids, from the active registry (ids it does not know
    are left out)."""
    from pipeline.store.registry import player_values

    registry = active()
    return [
        player_values(PlayerRow(p.id, p.name, p.born, p.position, p.citizenship, p.tm_club,
                                p.market_value_eur, None),
                      registry.club_map, registry.club_names)
        for p in (registry.players.get(i) for i in sorted(ids))
        if p is not None
    ]


def load_active(store: object) -> None:
    """Read claims with the registry of the store's last `voci registry import`, when it
    has one (else the packaged snapshot). It is built on first use, so a command that
    reads no claims does not pay for it."""
    global _pending
    activate(None)
    if store.has_registry_import():  # type: ignore[attr-defined]
        _pending = store.url  # type: ignore[attr-defined]


def handover() -> Registry | str | None:
    """What a worker process needs to read claims with this process's registry: the
    registry itself when one was activated, the database to build it from when it is
    still to be built, None for the packaged snapshot. A worker started fresh
    (forkserver, spawn) knows none of it: give this to `adopt` in its initializer."""
    return _active if _active is not None else _pending


def adopt(given: Registry | str | None) -> None:
    """In a worker process: read claims with the registry `handover` gave."""
    global _active, _pending
    if isinstance(given, str):
        _active, _pending = None, given
    else:
        _active, _pending = given, None


def activate(registry: Registry | None) -> None:
    """Read claims with this registry from now on (None: the packaged snapshot)."""
    global _active, _pending
    _active, _pending = registry, None


__all__ = ["Dataset", "DatasetError", "RegPlayer", "Registry", "activate", "active", "adopt",
           "from_dataset", "handover", "load_active", "name_key", "player_rows", "read_dataset",
           "snapshot"]
