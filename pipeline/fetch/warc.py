"""WARC archives (e.g. Common Crawl's CC-NEWS) -> the HTML pages of the outlets voci reads.

Owns: reading a .warc or .warc.gz with warcio and keeping only `response` records that
answered 2xx with an HTML page on a host of one of the outlets; everything else is
counted by reason in a `WarcTally`. No network: the archive already fetched the pages.
A file that turns out to be corrupt raises `WarcError` naming it, after every page read
before the damage has been yielded.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException

from pipeline.fetch.http import HTML_TYPES
from pipeline.sources import Outlet

# What a damaged archive makes warcio raise: bad headers, bad gzip members, a file that
# ends mid-record. warcio also fails with AttributeError and the like on some damage (a
# .warc.gz cut mid-member), so its calls are guarded by Exception; voci's own code is not.
_DAMAGE = (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, EOFError,
           OSError, ValueError)
DEFAULT_MAX_BYTES = 5_000_000  # the same cap as a live fetch (FetchConfig.max_bytes)


@dataclass(frozen=True)
class WarcPage:
    """One HTML page of an outlet, as the archive captured it."""

    outlet_id: str
    url: str  # WARC-Target-URI, as captured
    fetched_at: dt.datetime  # WARC-Date, UTC
    content: bytes  # the HTTP body, transfer and content encodings undone
    content_type: str | None


@dataclass
class WarcTally:
    """What reading archives met; filled in while reading (one per pass is fine)."""

    records: int = 0
    kept: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # by reason

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


class WarcError(Exception):
    """A WARC file that cannot be (fully) read; str() names the file."""

    def __init__(self, path: str, message: str) -> None:
        self.path, self.message = path, message
        super().__init__(f"{path}: {message}")


def read_warc(path: str | Path, outlets: Sequence[Outlet], *, tally: WarcTally | None = None,
              on_position: Callable[[int], None] | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[WarcPage]:
    """The outlets' HTML pages in the archive at `path` (gzipped or not), in file order.

    `on_position` is told the bytes of the file read so far after each record (for a
    progress bar); `tally` counts records kept and skipped (by reason).
    """
    tally = tally if tally is not None else WarcTally()
    name = str(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below, after a yield
    except OSError as exc:
        raise WarcError(name, f"cannot be opened: {exc.strerror or exc}") from None
    try:
        records = ArchiveIterator(handle)
        last = (0, 0)  # where the last whole record starts and ends in the file
        while True:
            try:
                record = _next_record(records)
                if record is None:
                    _whole_to_the_end(handle, last)
                    break
                if not record.format.startswith("warc"):
                    raise WarcError(name, f"is not a WARC file (record {tally.records + 1} "
                                    f"reads as {record.format or 'nothing known'})")
                page, why = _page(record, outlets, max_bytes)
                _read_to_end(record)
                last = _record_span(records)
                tally.records += 1
            except _Damaged as exc:
                raise WarcError(name, f"damaged after {tally.records} records (byte "
                                f"{handle.tell()}): {_describe(exc.cause)}") from None
            if on_position is not None:
                on_position(handle.tell())
            if page is None:
                tally.skipped[why] += 1
                continue
            tally.kept += 1
            yield page
    finally:
        handle.close()


def _page(record: ArcWarcRecord, outlets: Sequence[Outlet], max_bytes: int
          ) -> tuple[WarcPage | None, str]:
    """The record as a page of an outlet, or None and the reason it is not one."""
    if record.rec_type != "response":
        return None, "not_response"
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<> ")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None, "not_http"
    outlet = next((o for o in outlets if o.owns_host(parts.hostname)), None)
    if outlet is None:
        return None, "foreign_host"
    http = record.http_headers
    if http is None or not (http.get_statuscode() or "").startswith("2"):
        return None, "not_2xx"
    content_type = http.get_header("Content-Type")
    declared = (content_type or "").split(";", 1)[0].strip().lower()
    if declared and declared not in HTML_TYPES:
        return None, "not_html"
    try:
        content = record.content_stream().read(max_bytes + 1)
    except Exception as exc:  # see _DAMAGE
        raise _Damaged(exc) from exc
    if len(content) > max_bytes:
        return None, "too_large"
    if not declared and not _looks_like_html(content):
        return None, "not_html"
    when = _warc_date(record.rec_headers.get_header("WARC-Date"))
    if when is None:
        return None, "no_date"
    return WarcPage(outlet.id, url, when, content, content_type), ""


def _next_record(records: Iterator[ArcWarcRecord]) -> ArcWarcRecord | None:
    try:
        return next(records, None)
    except Exception as exc:  # see _DAMAGE
        raise _Damaged(exc) from exc


def _read_to_end(record: ArcWarcRecord) -> None:
    """Read what is left of the record, and fail when the file ends before its
    Content-Length: warcio would silently hand on a truncated last record."""
    length = record.rec_headers.get_header("Content-Length")  # mandatory in WARC
    if not (length or "").strip().isdigit():
        raise _Damaged(EOFError("a record without a Content-Length (cut in its headers?)"))
    stream = record.raw_stream
    try:
        while stream.read(64 * 1024):
            pass
    except Exception as exc:  # see _DAMAGE
        raise _Damaged(exc) from exc
    missing = getattr(stream, "limit", 0)  # a LimitReader: bytes promised, never read
    if missing:
        raise _Damaged(EOFError(f"the file ends {missing} bytes into a record"))


def _record_span(records: ArchiveIterator) -> tuple[int, int]:
    """Where the record just read starts and ends in the file (its gzip member, when
    gzipped)."""
    try:
        start = int(records.get_record_offset())
        return start, start + int(records.get_record_length())
    except Exception as exc:  # see _DAMAGE
        raise _Damaged(exc) from exc


def _whole_to_the_end(handle: BinaryIO, last: tuple[int, int]) -> None:
    """Fail unless the file ends with its last whole record: warcio ends without a word
    when a file is cut inside a record's headers, or inside the checksum that closes a
    gzip member."""
    start, end = last
    handle.seek(end)
    while chunk := handle.read(64 * 1024):
        if chunk.strip(b"\r\n"):
            handle.seek(end)  # so that the error names where the damage starts
            raise _Damaged(EOFError("the file ends inside a record: what follows the last "
                                    "whole record is no record"))
    handle.seek(start)
    if handle.read(2) != b"\x1f\x8b":
        return
    handle.seek(start)
    member = zlib.decompressobj(16 + zlib.MAX_WBITS)
    left = end - start
    while left > 0 and (chunk := handle.read(min(left, 64 * 1024))):
        left -= len(chunk)
        try:
            member.decompress(chunk, 64 * 1024)
            while member.unconsumed_tail:
                member.decompress(member.unconsumed_tail, 64 * 1024)
        except zlib.error as exc:
            raise _Damaged(exc) from exc
    if not member.eof:
        raise _Damaged(EOFError("the file ends inside the last record's gzip member"))


class _Damaged(Exception):
    """warcio failed reading a record's body: the file's fault, not voci's."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _describe(exc: Exception) -> str:
    kind = "" if isinstance(exc, _DAMAGE) else " (inside warcio)"
    # warcio quotes the offending line, which in a damaged gzip is binary noise.
    text = "".join(c if c.isprintable() else "?" for c in str(exc)[:120])
    return f"{type(exc).__name__}{kind}: {text}"


def _looks_like_html(body: bytes) -> bool:
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _warc_date(value: str | None) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat((value or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(dt.UTC) if when.tzinfo else when.replace(tzinfo=dt.UTC)
