"""sources.yaml -> frozen Outlet / Feed / Journalist records, validated at start.

The sources file is data, not code: it names the outlets voci reads, their feeds, and the
prior reliability of every outlet and journalist. A mistake in it must stop voci before
anything is written, with the file, the line and the problem — so validation works on
PyYAML's node tree, which still knows where every value stood.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import yaml

T = TypeVar("T")
DEFAULT_POLL_INTERVAL = dt.timedelta(minutes=10)
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
OUTLET_KINDS = ("daily", "specialist", "club_news", "journalist", "club", "broadcaster", "general")


class SourcesError(Exception):
    """A sources file that cannot be used. str() is 'FILE:LINE: problem', a line for each
    problem found (`problems`: every one, in file order; line, problem the first)."""

    def __init__(self, path: str, line: int | None, problem: str,
                 more: tuple[tuple[int | None, str], ...] = ()) -> None:
        self.path, self.line, self.problem = path, line, problem
        self.problems = ((line, problem), *more)
        super().__init__("\n".join(f"{path}:{n}: {p}" if n else f"{path}: {p}"
                                   for n, p in self.problems))


@dataclass(frozen=True)
class Feed:
    url: str
    poll_interval: dt.timedelta = DEFAULT_POLL_INTERVAL


@dataclass(frozen=True)
class Outlet:
    id: str
    name: str
    reliability: float  # prior: share of its rumours that come true
    feeds: tuple[Feed, ...]
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()  # hosts whose pages belong to it (subdomains included)
    kind: str | None = None
    club: str | None = None  # for a club's own site: the club's id (its news is official)

    def owns_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.domains)


@dataclass(frozen=True)
class Journalist:
    id: str
    name: str
    reliability: float
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sources:
    path: str
    outlets: tuple[Outlet, ...]
    journalists: tuple[Journalist, ...] = ()

    def outlet(self, outlet_id: str) -> Outlet:
        for o in self.outlets:
            if o.id == outlet_id:
                return o
        raise KeyError(outlet_id)


def default_sources_path() -> Path:
    """The sources.yaml shipped with voci: at the top of a checkout, where people look for
    it; inside the package of an installed wheel (pyproject.toml puts it there, as it does
    db/)."""
    package = Path(str(resources.files("pipeline")))
    for candidate in (package / "sources.yaml", package.parent / "sources.yaml"):
        if candidate.is_file():
            return candidate
    return package / "sources.yaml"  # missing: load_sources says so, with this path


def load_sources(path: str | Path) -> Sources:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesError(str(path), None, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(str(path), None, f"cannot be read: {exc}") from None
    return parse_sources(text, str(path))


def parse_sources(text: str, path: str = "sources.yaml") -> Sources:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise SourcesError(path, line, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    return _Validator(path).sources(root)


class _Validator:
    """Walks the node tree; every error names the line of the node at fault. A problem
    in one field is noted and the walk goes on (`attempt`), so that one run reports every
    problem of the file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.loader = yaml.SafeLoader("")  # only its constructor is used, on scalar nodes
        self.errors: list[SourcesError] = []

    def attempt(self, fn: Callable[..., T], *args: Any, default: T) -> T:
        """fn(*args), or `default` with its problem noted."""
        try:
            return fn(*args)
        except SourcesError as e:
            self.errors.append(e)
            return default

    def done(self) -> None:
        """Raise every problem noted, in file order."""
        if self.errors:
            found = sorted({(e.line or 0, e.problem) for e in self.errors})
            raise SourcesError(self.path, found[0][0] or None, found[0][1],
                               tuple((n or None, p) for n, p in found[1:]))

    def fail(self, node: yaml.Node | None, problem: str) -> SourcesError:
        line = node.start_mark.line + 1 if node is not None else None
        return SourcesError(self.path, line, problem)

    def mapping(self, node: yaml.Node, what: str, allowed: set[str],
                required: set[str]) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key not in allowed:  # noted; the other keys are still read
                known = ", ".join(sorted(allowed))
                self.errors.append(
                    self.fail(key_node, f"{what}: unknown key '{key}' (known: {known})"))
            elif key in out:
                self.errors.append(self.fail(key_node, f"{what}: key '{key}' given twice"))
            else:
                out[key] = (key_node, value_node)
        missing = sorted(required - out.keys())
        if missing:
            raise self.fail(node, f"{what}: missing {', '.join(repr(m) for m in missing)}")
        return out

    def items(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        """A list's nodes; none, with the problem noted, when it is not a list."""
        empty: list[yaml.Node] = []
        return self.attempt(self.sequence, node, what, default=empty)

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what} must be a list")
        return list(node.value)

    def scalar(self, node: yaml.Node, what: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"{what} must be a single value")
        return self.loader.construct_object(node)

    def text(self, node: yaml.Node, what: str) -> str:
        value = self.scalar(node, what)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(node, f"{what} must be a non-empty string")
        return value.strip()

    def texts(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        return tuple(self.text(n, f"{what} entry") for n in self.sequence(node, what))

    def aliases(self, fields: dict[str, tuple[yaml.Node, yaml.Node]], what: str
                ) -> tuple[str, ...]:
        if "aliases" not in fields:
            return ()
        return self.texts(fields["aliases"][1], f"{what} aliases")

    def ident(self, node: yaml.Node, what: str) -> str:
        value = self.text(node, what)
        if not _ID.match(value):
            raise self.fail(node, f"{what} '{value}' must be lowercase letters, digits, - or _")
        return value

    def reliability(self, node: yaml.Node, what: str) -> float:
        value = self.scalar(node, what)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(node, f"{what}: reliability must be a number, not {value!r}")
        if not 0 < value < 1:
            raise self.fail(node, f"{what}: reliability {value} is outside (0, 1)")
        return float(value)

    def duration(self, node: yaml.Node, what: str) -> dt.timedelta:
        raw = self.scalar(node, what)
        match = _DURATION.match(str(raw))
        seconds = int(match.group(1)) * _UNITS[match.group(2)] if match else 0
        if seconds < 60:
            raise self.fail(node, f"{what}: poll_interval {raw!r} must be a duration of at "
                                  "least a minute, e.g. 10m, 1h, or seconds")
        return dt.timedelta(seconds=seconds)

    def url(self, node: yaml.Node, what: str) -> str:
        value = self.text(node, what)
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise self.fail(node, f"{what}: '{value}' is not an http(s) URL")
        return value

    def domain(self, node: yaml.Node, what: str) -> str:
        value = self.text(node, what).lower()
        if "/" in value or ":" in value or " " in value or "." not in value:
            raise self.fail(node, f"{what}: '{value}' is not a host name (e.g. gazzetta.it)")
        return value

    # ------------------------------------------------------------ the file's shape

    def sources(self, root: yaml.Node | None) -> Sources:
        if root is None:
            raise self.fail(None, "the file is empty: it needs an 'outlets' list")
        top = self.mapping(root, "the file", {"outlets", "journalists"}, {"outlets"})
        seen: dict[str, str] = {}  # id -> what first used it
        nodes = self.items(top["outlets"][1], "outlets")
        outlets = tuple(o for n in nodes
                        if (o := self.attempt(self.outlet, n, seen, default=None)) is not None)
        if not nodes and not self.errors:
            raise self.fail(top["outlets"][1], "outlets: the list is empty")
        journalists: tuple[Journalist, ...] = ()
        if "journalists" in top:
            nodes = self.items(top["journalists"][1], "journalists")
            journalists = tuple(j for n in nodes if (
                j := self.attempt(self.journalist, n, seen, default=None)) is not None)
        self.done()
        return Sources(self.path, outlets, journalists)

    def claim_id(self, fields: dict, seen: dict[str, str], what: str) -> str:
        key_node, value_node = fields["id"]
        ident = self.ident(value_node, f"{what} id")
        if ident in seen:
            raise self.fail(value_node, f"duplicate id '{ident}' (already used by {seen[ident]})")
        seen[ident] = f"{what} on line {value_node.start_mark.line + 1}"
        return ident

    def outlet(self, node: yaml.Node, seen: dict[str, str]) -> Outlet:
        fields = self.mapping(node, "outlet", {"id", "name", "aliases", "reliability", "domains",
                                               "feeds", "kind", "club", "poll_interval"},
                              {"id", "name", "reliability", "feeds"})
        ident = self.claim_id(fields, seen, "an outlet")
        what = f"outlet '{ident}'"
        default_interval = DEFAULT_POLL_INTERVAL
        if "poll_interval" in fields:
            default_interval = self.attempt(self.duration, fields["poll_interval"][1], what,
                                            default=DEFAULT_POLL_INTERVAL)
        feed_nodes = self.items(fields["feeds"][1], f"{what} feeds")
        if not feed_nodes and isinstance(fields["feeds"][1], yaml.SequenceNode):
            self.errors.append(self.fail(fields["feeds"][1], f"{what} has no feeds"))
        read = [(n, f) for n in feed_nodes
                if (f := self.attempt(self.feed, n, what, default_interval, default=None))]
        feeds = tuple(f for _, f in read)
        urls = [f.url for f in feeds]
        for n, f in read:
            if urls.count(f.url) > 1:
                self.errors.append(self.fail(n, f"{what}: feed {f.url} listed twice"))
        domains: tuple[str, ...]
        if "domains" in fields:
            dnodes = self.items(fields["domains"][1], f"{what} domains")
            domains = tuple(d for n in dnodes
                            if (d := self.attempt(self.domain, n, f"{what} domains",
                                                  default="")))
        else:
            hosts = (urlsplit(f.url).hostname or "" for f in feeds)
            domains = tuple(dict.fromkeys(_strip_www(h) for h in hosts))
        kind = None
        if "kind" in fields:
            kind = self.attempt(self.kind, fields["kind"][1], what, default=None)
        return Outlet(
            id=ident,
            name=self.attempt(self.text, fields["name"][1], f"{what} name", default=ident),
            reliability=self.attempt(self.reliability, fields["reliability"][1], what,
                                     default=0.5),
            feeds=feeds,
            aliases=self.attempt(self.aliases, fields, what, default=()),
            domains=domains,
            kind=kind,
            club=self.attempt(self.ident, fields["club"][1], f"{what} club", default=None)
            if "club" in fields else None,
        )

    def kind(self, node: yaml.Node, what: str) -> str:
        kind = self.text(node, f"{what} kind")
        if kind not in OUTLET_KINDS:
            raise self.fail(node, f"{what}: kind '{kind}' is not one of {', '.join(OUTLET_KINDS)}")
        return kind

    def feed(self, node: yaml.Node, what: str, default_interval: dt.timedelta) -> Feed:
        if isinstance(node, yaml.ScalarNode):
            return Feed(self.url(node, f"{what} feed"), default_interval)
        fields = self.mapping(node, f"{what} feed", {"url", "poll_interval"}, {"url"})
        interval = default_interval
        if "poll_interval" in fields:
            interval = self.duration(fields["poll_interval"][1], f"{what} feed")
        return Feed(self.url(fields["url"][1], f"{what} feed"), interval)

    def journalist(self, node: yaml.Node, seen: dict[str, str]) -> Journalist:
        fields = self.mapping(node, "journalist", {"id", "name", "aliases", "reliability"},
                              {"id", "name", "reliability"})
        ident = self.claim_id(fields, seen, "a journalist")
        what = f"journalist '{ident}'"
        return Journalist(
            id=ident,
            name=self.attempt(self.text, fields["name"][1], f"{what} name", default=ident),
            reliability=self.attempt(self.reliability, fields["reliability"][1], what,
                                     default=0.5),
            aliases=self.attempt(self.aliases, fields, what, default=()),
        )


def _strip_www(host: str) -> str:
    return host[4:] if host.startswith("www.") else host
