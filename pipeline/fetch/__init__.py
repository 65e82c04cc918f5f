"""The network stage: fetching feeds and pages (see pipeline.fetch.http for the rules)."""

from pipeline.fetch.http import (
    ERROR_KINDS,
    FetchConfig,
    Fetcher,
    FetchError,
    FetchResult,
    host_allowed,
    retry_after_seconds,
)

__all__ = [
    "ERROR_KINDS",
    "FetchConfig",
    "FetchError",
    "FetchResult",
    "Fetcher",
    "host_allowed",
    "retry_after_seconds",
]
