"""The analyst's board: filters written the way people write them, rows the way people read.

`voci top`, `voci show` and `voci export` take clubs, players, sources and windows as an
analyst types them, and read them here against what voci knows:

    club     an id, a name or a nickname: "juventus", "Juventus", "juve",
             "la Vecchia Signora" -> juventus; one naming two clubs ("Milano") is
             ambiguous and one naming none unknown: both errors, with suggestions
    player   a player's id, name or any spelling his claims used, or his surname:
             "Vlahovic", "Dušan Vlahović", "dusan-vlahovic" -> dusan-vlahovic
    source   an outlet's or journalist's id, name or alias: "Sky Sport", "romano"
    window   "2026-07", "summer 2026" / "estate 2026", "winter 2026" / "gennaio 2026",
             or "now" (the window a story published today is about)

Rows read with display names (clubs by name, the player with position and age), the fee,
the probability with its trend over a day and a week (from score_history), and how many
independent origins stand behind it across how many outlets: an origin is an outlet or a
journalist whose word is counted once, however often it is relayed or copied, so a rumour
can have more origins than outlets (Sky Sport's story and Di Marzio's, relayed by others).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pipeline.claims.clubs import ClubIndex
from pipeline.model import BoardRow
from pipeline.rumours import name_key
from pipeline.sources import Sources
from pipeline.store import EvidenceItem, PlayerRecord
from pipeline.text import fold
from pipeline.windows import window_of

DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)


class BoardQueryError(ValueError):
    """A filter that names nothing voci knows, or more than one thing."""


def _suggest(text: str, choices: Iterable[str], limit: int = 3) -> str:
    from rapidfuzz import fuzz, process, utils

    options = sorted(set(choices))
    found = process.extract(fold(text), [fold(c) for c in options], scorer=fuzz.WRatio,
                            limit=limit, processor=utils.default_process, score_cutoff=75)
    names = list(dict.fromkeys(options[i] for _, _, i in found))
    return f"; did you mean {', '.join(repr(c) for c in names)}?" if names else ""


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


_ARTICLE = re.compile(r"^(?:il|lo|la|l|i|gli|le|the) ")


def club_id(text: str, clubs: ClubIndex) -> str:
    """The club an analyst means: its id, name, alias or nickname ("juve")."""
    wanted = text.strip()
    if wanted in clubs.clubs:
        return wanted
    # a nickname as said, with its article: "la Vecchia Signora", "i rossoneri", "l'Inter"
    plain = _ARTICLE.sub("", _plain(wanted.replace("'", " "))) or _plain(wanted)
    ids: set[str] = set()
    for form, _kind, form_ids in clubs.forms():
        if _plain(form) == plain:
            ids.update(form_ids)
    found = clubs.lookup(wanted)
    if not ids and found:
        ids.add(found)
    if len(ids) == 1:
        return ids.pop()
    if ids:
        raise BoardQueryError(f"club {text!r} could be any of "
                              f"{', '.join(sorted(ids))}: give the club's id or name")
    names = [c.name for c in clubs.clubs.values()] + list(clubs.clubs)
    raise BoardQueryError(f"unknown club {text!r}{_suggest(wanted, names)}")


def player_ids(text: str, players: Sequence[PlayerRecord]) -> list[str]:
    """The players an analyst means: by id, name or a spelling his claims used; else by
    surname (every player whose name ends with it: "Hernández" may be two)."""
    wanted = name_key(text.strip())
    exact = sorted({p.id for p in players
                    if p.id == text.strip() or name_key(p.name) == wanted
                    or any(name_key(s) == wanted for s in p.spellings)})
    if exact:
        return exact
    by_surname = sorted({p.id for p in players
                         if name_key(p.name).split()[-1:] == wanted.split()})
    if by_surname:
        return by_surname
    raise BoardQueryError(f"no player {text!r} in the store"
                          f"{_suggest(text, [p.name for p in players])}")


def source_id(text: str, sources: Sources, stored: Iterable[str] = ()) -> str:
    """The outlet or journalist an analyst means: id, name or alias; `stored` are ids the
    store knows that sources.yaml may no longer list (retired outlets)."""
    wanted = _plain(text)
    known = {o.id: (o.name, *o.aliases) for o in sources.outlets}
    known.update({j.id: (j.name, *j.aliases) for j in sources.journalists})
    for sid in stored:
        known.setdefault(sid, ())
    for sid, names in sorted(known.items()):
        if text.strip() == sid or any(_plain(n) == wanted for n in names):
            return sid
    choices = [n for names in known.values() for n in names] + list(known)
    raise BoardQueryError(f"unknown source {text!r}{_suggest(text, choices)}")


_SEASONS = {"summer": "07", "estate": "07", "estivo": "07", "july": "07", "luglio": "07",
            "winter": "01", "inverno": "01", "invernale": "01", "january": "01",
            "gennaio": "01"}


def window_id(text: str, *, now: dt.datetime | None = None) -> str:
    """A transfer window's id from "2026-07", "summer 2026", "gennaio 2026" or "now"."""
    words = _plain(text).split()
    if words in (["now"], ["current"], ["adesso"]):
        return window_of(now or dt.datetime.now(dt.UTC))
    if len(words) == 2 and re.fullmatch(r"\d{4}", words[0]) and words[1] in ("01", "07"):
        return f"{words[0]}-{words[1]}"  # "2026-07" folds to "2026 07"
    if len(words) == 2:
        season, year = (words if words[0] in _SEASONS else words[::-1])
        if season in _SEASONS and re.fullmatch(r"\d{4}", year):
            return f"{year}-{_SEASONS[season]}"
    raise BoardQueryError(f"unknown window {text!r}: write it as 2026-07, summer 2026, "
                          "winter 2026 or now")


# ---------------------------------------------------------------- rows as read

@dataclass(frozen=True)
class Trend:
    """The probability a day and a week before the score, where it was scored then."""
    day: float | None
    week: float | None


def trends(rows: Sequence[BoardRow],
           history: Mapping[str, Sequence[tuple[dt.datetime, float]]]) -> dict[str, Trend]:
    """Each row's probability a day and a week before its score, from its history (the
    probabilities it had, in time order; a row is kept each time one moved)."""

    def at(points: Sequence[tuple[dt.datetime, float]], when: dt.datetime) -> float | None:
        before = [p for t, p in points if t <= when]
        return before[-1] if before else None

    out = {}
    for r in rows:
        points = history.get(r.rumour_id, ())
        out[r.rumour_id] = Trend(at(points, r.scored_at - DAY), at(points, r.scored_at - WEEK))
    return out


def club_name(club: str | None, clubs: ClubIndex) -> str:
    if club is None:
        return "?"
    return clubs.clubs[club].name if club in clubs.clubs else club


def fee_text(fee: int | None) -> str:
    if not fee:
        return ""
    return f"€{fee / 1e6:.1f}m".replace(".0m", "m")


def _change(now: float, then: float | None, label: str) -> str:
    if then is None:
        return ""
    points = (now - then) * 100
    return f"{points:+.0f} pts {label}" if round(points) else f"= {label}"


def describe(r: BoardRow, clubs: ClubIndex, trend: Trend | None = None) -> dict[str, str]:
    """The parts of a board row as an analyst reads them."""
    club = (club_name(r.player_club, clubs) if r.player_club in clubs.clubs
            else r.player_club_name)
    who = ", ".join(x for x in (r.position, f"{r.age}" if r.age is not None else None,
                                f"at {club}" if club else None,
                                fee_text(r.market_value_eur).replace("€", "valued €"))
                    if x)
    moves = [_change(r.probability, t, label) for t, label in
             ((trend.day, "in a day"), (trend.week, "in a week"))] if trend else []
    origins = (f"{r.n_independent} independent origin{'s' if r.n_independent != 1 else ''} "
               f"across {r.n_outlets} outlet{'s' if r.n_outlets != 1 else ''}")
    if r.n_independent > r.n_outlets:
        origins += " (a journalist relayed by an outlet counts as an origin of his own)"
    return {
        "player": f"{r.player} ({who})" if who else r.player,
        "move": f"{club_name(r.from_club, clubs)} → {club_name(r.to_club, clubs)}",
        "stage": r.stage or "no stage from a reliable source",
        "fee": fee_text(r.fee_eur),
        "trend": ", ".join(m for m in moves if m),
        "origins": origins,
    }


def _bar(probability: float, width: int = 10) -> str:
    filled = round(probability * width)
    return "█" * filled + "░" * (width - filled)


def board_lines(rows: Sequence[BoardRow], clubs: ClubIndex,
                trend: Mapping[str, Trend]) -> list[str]:
    """The board as text: per rumour a headline, what stands behind it, and its reason."""
    out = []
    for n, r in enumerate(rows, start=1):
        d = describe(r, clubs, trend.get(r.rumour_id))
        status = "" if r.status == "open" else f" [{r.status}]"
        head = " · ".join(x for x in (d["move"], d["stage"], d["fee"], r.window) if x)
        moved = f"  ({d['trend']})" if d["trend"] else ""
        out.append(f"{n:>3}. {_bar(r.probability)} {r.probability:5.1%}{moved}{status}")
        out.append(f"     {d['player']}: {head}")
        out.append(f"     {d['origins']}; {r.reason}")
        out.append(f"     id {r.rumour_id}")
    return out


def board_record(r: BoardRow, clubs: ClubIndex, trend: Trend | None) -> dict[str, object]:
    """One board row for JSON and CSV: the view's columns, clubs' names and the trend."""
    row: dict[str, object] = dict(r.__dict__)
    for k in ("first_seen", "last_seen", "scored_at"):
        row[k] = getattr(r, k).isoformat()
    row["from_club_name"] = club_name(r.from_club, clubs) if r.from_club else None
    row["to_club_name"] = club_name(r.to_club, clubs)
    row["probability_day_before"] = trend.day if trend else None
    row["probability_week_before"] = trend.week if trend else None
    return row


def evidence_record(e: EvidenceItem) -> dict[str, object]:
    row: dict[str, object] = dict(e.__dict__)
    row["published_at"] = e.published_at.isoformat() if e.published_at else None
    return row


def show_lines(r: BoardRow, evidence: Sequence[EvidenceItem],
               history: Sequence[tuple[dt.datetime, float, str]], clubs: ClubIndex,
               names: Mapping[str, str]) -> list[str]:
    """One rumour: its headline, every article behind its score, and its history."""
    d = describe(r, clubs, trends([r], {r.rumour_id: [(t, p) for t, p, _ in history]})
                 [r.rumour_id])
    out = [f"{d['player']}: {d['move']} ({r.window})",
           f"  {r.probability:.1%} {r.status}"
           + (f", {d['trend']}" if d["trend"] else "")
           + " · ".join(["", *(x for x in (d["stage"], d["fee"]) if x)]),
           f"  {d['origins']}", f"  {r.reason}", f"  id {r.rumour_id}", "",
           f"  evidence ({len(evidence)} article{'s' if len(evidence) != 1 else ''}):"]
    for e in evidence:
        when = e.published_at.strftime("%Y-%m-%d %H:%M") if e.published_at else "?"
        relays = f", relays {e.cites}" if e.cites else ""
        kind = "independent" if e.independent else f"counted as {names.get(e.origin, e.origin)}"
        out.append(f"    {when}  {names.get(e.outlet_id, e.outlet_id)}: {e.stage}"
                   f"{' ' + fee_text(e.fee_eur) if e.fee_eur else ''}{relays}"
                   f" ({kind}, weight {e.weight:.2f})")
        out.append(f"      {e.title}")
        out.append(f"      {e.article_url}")
    out += ["", "  probability over time:"]
    out += [f"    {t.strftime('%Y-%m-%d %H:%M')}  {p:6.1%}  {status}" for t, p, status in history]
    if not history:
        out.append("    (no history yet)")
    return out


@dataclass(frozen=True)
class Findings:
    """What a pass found: claims and rumours new, and the rumours whose score moved."""
    claims_new: int
    rumours_new: list[str]
    moved: list[tuple[str, float, float, str]]  # rumour, before, now, status
    rumours: int

    def as_dict(self) -> dict[str, object]:
        return {"claims_new": self.claims_new, "rumours_new": len(self.rumours_new),
                "rumours": self.rumours,
                "moved": [{"rumour_id": r, "before": b, "now": p, "status": st}
                          for r, b, p, st in self.moved]}


MOVE = 0.05  # a score that moved by five points or more, or changed status, is news


def findings(before: tuple[int, Mapping[str, tuple[float, str]]],
             after: tuple[int, Mapping[str, tuple[float, str]]]) -> Findings:
    """Compare the store's standing (claims stored, each rumour's probability and status)
    before and after a pass: new rumours, and those that moved by MOVE or changed status,
    biggest moves first."""
    (claims_then, then), (claims_now, now) = before, after
    new = sorted(set(now) - set(then), key=lambda r: -now[r][0])
    moved = [(r, then[r][0], p, st) for r, (p, st) in now.items() if r in then
             and (abs(p - then[r][0]) >= MOVE or st != then[r][1])]
    moved.sort(key=lambda m: (-abs(m[2] - m[1]), m[0]))
    return Findings(claims_now - claims_then, new, moved, len(now))


def findings_lines(f: Findings, limit: int = 10) -> list[str]:
    out = [f"claims: {f.claims_new} new; rumours: {len(f.rumours_new)} new, "
           f"{len(f.moved)} moved, {f.rumours} scored in all"]
    for r, was, p, status in f.moved[:limit]:
        change = f"{was:.0%} -> {p:.0%}"
        out.append(f"  moved  {r}: {change}" + ("" if status == "open" else f" [{status}]"))
    more = len(f.moved) - limit
    if more > 0:
        out.append(f"  ... and {more} more (voci top, voci show RUMOUR-ID)")
    return out
