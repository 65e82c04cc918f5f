"""Where `voci registry import` reads the data set from: folders, files and URLs.

A source is a local folder (every players*/clubs*/transfers* CSV in it, plain or .gz), a
local file, or an http(s) URL: a URL to a file is downloaded; a URL to a folder (ending in
"/") is read by trying the data set's usual names (players.csv.gz, players.csv, ...) and,
when none answers, the CSV links of the index page the server returns. Every problem is a
`DatasetError` naming the source and what is wrong.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from pipeline import USER_AGENT

from .dataset import TABLES, Dataset, DatasetError, parse_files, table_of

MAX_BYTES = 200 * 1024 * 1024  # a full transfers.csv is ~15 MB; ten times that is no data set
TIMEOUT = httpx.Timeout(30.0, connect=10.0)


def read_sources(sources: list[str]) -> Dataset:
    """The data set the sources hold together."""
    return parse_files(read_files(sources))


def read_files(sources: list[str]) -> list[tuple[str, bytes]]:
    """The data set's files the sources hold: (name or URL, bytes)."""
    files: list[tuple[str, bytes]] = []
    with httpx.Client(timeout=TIMEOUT, follow_redirects=True, max_redirects=5,
                      headers={"User-Agent": USER_AGENT}) as client:
        for source in sources:
            if re.match(r"https?://", source, re.IGNORECASE):
                files.extend(_from_url(client, source))
            else:
                files.extend(_from_path(Path(source)))
    if not files:
        raise DatasetError(f"no players, clubs or transfers CSV in {', '.join(sources)}")
    return files


def _from_path(path: Path) -> list[tuple[str, bytes]]:
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if table_of(p.name))
        if not found:
            raise DatasetError(f"{path}: no players*, clubs* or transfers* CSV in this folder")
        return [(str(p), p.read_bytes()) for p in found]
    if path.is_file():
        if not table_of(path.name):
            raise DatasetError(f"{path}: not a players, clubs or transfers table "
                               "(the file name says which: players.csv, clubs.csv.gz, ...)")
        return [(str(path), path.read_bytes())]
    raise DatasetError(f"{path}: no such file or folder")


def _get(client: httpx.Client, url: str, *, missing_ok: bool = False) -> bytes | None:
    try:
        with client.stream("GET", url) as response:
            if response.status_code == 404 and missing_ok:
                return None
            if response.status_code != 200:
                raise DatasetError(f"{url}: HTTP {response.status_code}")
            data = bytearray()
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > MAX_BYTES:
                    raise DatasetError(f"{url}: larger than {MAX_BYTES // 2**20} MB")
            return bytes(data)
    except httpx.HTTPError as exc:
        raise DatasetError(f"{url}: {exc.__class__.__name__}: {exc}") from None


def _file_name(url: str) -> str:
    """The last segment of a URL's path, unquoted ("" for a folder URL)."""
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def _from_url(client: httpx.Client, url: str) -> list[tuple[str, bytes]]:
    name = _file_name(url)
    if name:
        if not table_of(name):
            raise DatasetError(f"{url}: not a players, clubs or transfers table "
                               "(the file name says which: players.csv, clubs.csv.gz, ...)")
        data = _get(client, url)
        return [(url, data)] if data is not None else []
    files = []
    for table in TABLES:
        for candidate in (f"{table}.csv.gz", f"{table}.csv"):
            data = _get(client, urljoin(url, candidate), missing_ok=True)
            if data is not None:
                files.append((urljoin(url, candidate), data))
                break
    if any(table_of(_file_name(u)) == "players" for u, _ in files):
        return files
    # not the usual names (or not all of them): the files the folder's index page lists
    index = _get(client, url) or b""
    links = _Links()
    links.feed(index.decode("utf-8", "replace"))
    fetched = {u for u, _ in files}
    found = sorted({urljoin(url, h) for h in links.hrefs if table_of(_file_name(urljoin(url, h)))}
                   - fetched)
    if not found and not files:
        raise DatasetError(f"{url}: neither players.csv(.gz) nor a page listing the "
                           "data set's CSV files")
    return files + [(u, _get(client, u) or b"") for u in found]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href" and v)
