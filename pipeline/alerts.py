"""Alerts: rules over score changes, each alert recorded once and delivered.

A rules file (YAML) lists rules; each says when to alert, about which rumours, and where
to deliver:

    alerts:
      - id: juve-likely                 # a name, unique in the file
        when: {crosses: 0.7}            # a probability rising through 70 %
        club: juve                      # optional: club, player, window, as voci top reads them
        deliver: {webhook: http://127.0.0.1:9000/voci}
      - id: done-deals
        when: official                  # a move confirmed (officially announced, or a record)
        deliver: {command: "notify-send voci"}   # the alert as JSON on the command's stdin
      - id: risers
        when: {risers: 5}               # each day, the five biggest rises (5 points or more)
        deliver: stdout
      - id: osimhen
        when: watch                     # every change of the rumours the filters select
        player: Osimhen
        deliver: stdout

After each refresh the daemon and the workers (and `voci alerts run`) look at the score
changes since they last looked (score_history), record each alert a rule raises under a
key - the rule, the rumour and what happened: "crossed 0.7", "official", "rose on
2026-12-05", or the instant of a watched change - and deliver what is not delivered yet.
A change is alerted on once, whoever looks at it and however often; an alert whose
delivery failed (a webhook down, a command failing) is tried again next time. A crash
between delivering and recording the delivery would repeat that one alert: each carries
its `alert_id`, and a webhook receives it as the Idempotency-Key header too, so a
receiver can drop a repeat.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipeline.board import BoardQueryError, club_id, player_ids, window_id
from pipeline.store import Store
from pipeline.store.alerts import Change, PendingAlert

RISE = 0.05  # the least rise that makes a day's risers


class AlertsError(ValueError):
    """A rules file that cannot be used: str() names the file and every problem."""


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str  # crosses | official | risers | watch
    value: float  # crosses: the threshold; risers: how many
    club: str | None
    player: str | None
    window: str | None
    channel: str  # webhook | command | stdout
    target: str  # the URL or the command ("" for stdout)


def load_rules(path: str | Path) -> list[Rule]:
    """The rules of a file, every problem reported at once."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise AlertsError(f"{path}: cannot be read: {e}") from None
    except yaml.YAMLError as e:
        raise AlertsError(f"{path}: not valid YAML: {e}") from None
    if not isinstance(data, dict) or not isinstance(data.get("alerts"), list):
        raise AlertsError(f"{path}: expected a mapping with an 'alerts' list")
    rules, problems, seen = [], [], set()
    for n, entry in enumerate(data["alerts"], start=1):
        try:
            rule = _rule(entry)
        except AlertsError as e:
            problems.append(f"{path}: alert {n}: {e}")
            continue
        if rule.id in seen:
            problems.append(f"{path}: alert {n}: id {rule.id!r} given twice")
        seen.add(rule.id)
        rules.append(rule)
    if problems:
        raise AlertsError("\n".join(problems))
    return rules


def _rule(entry: object) -> Rule:
    if not isinstance(entry, dict):
        raise AlertsError("must be a mapping (id, when, deliver)")
    unknown = set(entry) - {"id", "when", "deliver", "club", "player", "window"}
    if unknown:
        raise AlertsError(f"unknown key(s) {', '.join(sorted(unknown))}")
    rid = entry.get("id")
    if not isinstance(rid, str) or not rid.strip():
        raise AlertsError("needs an 'id'")
    when = entry.get("when")
    if when in ("official", "watch"):
        kind, value = str(when), 0.0
    elif isinstance(when, dict) and len(when) == 1 and next(iter(when)) in ("crosses", "risers"):
        kind, raw = next(iter(when.items()))
        if kind == "crosses" and not (isinstance(raw, int | float) and 0 < raw < 1):
            raise AlertsError(f"{rid}: crosses needs a probability between 0 and 1, not {raw!r}")
        if kind == "risers" and not (isinstance(raw, int) and raw >= 1):
            raise AlertsError(f"{rid}: risers needs a count of at least 1, not {raw!r}")
        value = float(raw)
    else:
        raise AlertsError(f"{rid}: when must be official, watch, {{crosses: P}} or "
                          f"{{risers: N}}, not {when!r}")
    deliver = entry.get("deliver")
    if deliver == "stdout":
        channel, target = "stdout", ""
    elif isinstance(deliver, dict) and len(deliver) == 1 and next(iter(deliver)) in (
            "webhook", "command"):
        channel, target = next(iter(deliver.items()))
        if not isinstance(target, str) or not target.strip():
            raise AlertsError(f"{rid}: {channel} needs a value")
        if channel == "webhook" and not target.startswith(("http://", "https://")):
            raise AlertsError(f"{rid}: webhook {target!r} is not an http(s) URL")
    else:
        raise AlertsError(f"{rid}: deliver must be stdout, {{webhook: URL}} or "
                          f"{{command: COMMAND}}, not {deliver!r}")
    filters = {k: entry.get(k) for k in ("club", "player", "window")}
    for k, v in filters.items():
        if v is not None and not isinstance(v, str):
            raise AlertsError(f"{rid}: {k} must be a name, not {v!r}")
    if kind == "watch" and not any(filters.values()):
        raise AlertsError(f"{rid}: watch needs a club, a player or a window to watch")
    return Rule(rid, kind, value, filters["club"], filters["player"], filters["window"],
                channel, target)


# ---------------------------------------------------------------- which changes alert

def raised(rules: Sequence[Rule], changes: Sequence[Change],
           selected: Mapping[str, set[str] | None]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(rule, rumour, key, payload) of each alert these changes raise. `selected`: per
    rule, the rumours its filters select (None: every rumour)."""
    out = []
    for rule in rules:
        chosen = selected.get(rule.id)
        mine = [c for c in changes if chosen is None or c.rumour_id in chosen]
        if rule.kind == "crosses":
            for c in mine:
                if (c.before is None or c.before[0] < rule.value) and c.probability >= rule.value:
                    out.append((rule.id, c.rumour_id, f"crossed {rule.value:g}", _payload(c)))
        elif rule.kind == "official":
            for c in mine:
                if c.status == "confirmed" and (c.before is None or c.before[1] != "confirmed"):
                    out.append((rule.id, c.rumour_id, "official", _payload(c)))
        elif rule.kind == "watch":
            for c in mine:
                out.append((rule.id, c.rumour_id, f"changed {c.as_of.isoformat()}", _payload(c)))
        else:  # risers: per day, the biggest rises over that day's changes
            by_day: dict[dt.date, dict[str, Change]] = {}
            first: dict[tuple[dt.date, str], float] = {}
            for c in mine:
                day = c.as_of.astimezone(dt.UTC).date()
                first.setdefault((day, c.rumour_id), c.before[0] if c.before else 0.0)
                by_day.setdefault(day, {})[c.rumour_id] = c
            for day, last in by_day.items():
                rises = sorted(((c.probability - first[day, rid], rid) for rid, c in last.items()
                                if c.probability - first[day, rid] >= RISE), reverse=True)
                for rise, rid in rises[:int(rule.value)]:
                    out.append((rule.id, rid, f"rose on {day.isoformat()}",
                                {**_payload(last[rid]), "rise": round(rise, 4)}))
    return out


def _payload(c: Change) -> dict[str, Any]:
    return {"rumour_id": c.rumour_id, "as_of": c.as_of.isoformat(),
            "probability": c.probability, "status": c.status,
            "before": c.before[0] if c.before else None}


def select_rumours(store: Store, rule: Rule) -> set[str] | None:
    """The rumours a rule's filters select (None: no filter)."""
    from pipeline.claims import default_clubs

    if not (rule.club or rule.player or rule.window):
        return None
    try:
        rows = store.board(
            club=club_id(rule.club, default_clubs()) if rule.club else None,
            players=player_ids(rule.player, store.players()) if rule.player else (),
            window=window_id(rule.window) if rule.window else None)
    except BoardQueryError as e:
        if rule.player and "no player" in str(e):
            return set()  # a watched player voci has not heard of yet
        raise AlertsError(f"alert {rule.id}: {e}") from None
    return {r.rumour_id for r in rows}


# ---------------------------------------------------------------- delivery

Deliver = Callable[[Rule, PendingAlert], None]


def deliver(rule: Rule, alert: PendingAlert, *, timeout: float = 10.0) -> None:
    """Send one alert by its rule's channel; raise on failure."""
    body = {"alert_id": alert.id, "rule": rule.id, "key": alert.key, **alert.payload}
    text = json.dumps(body, ensure_ascii=False)
    if rule.channel == "stdout":
        sys.stdout.write(f"alert {rule.id}: {alert.rumour_id} {alert.key} "
                         f"({alert.payload.get('probability', 0):.0%})\n")
        sys.stdout.flush()
    elif rule.channel == "webhook":
        import httpx

        response = httpx.post(rule.target, content=text.encode(), timeout=timeout,
                              headers={"Content-Type": "application/json",
                                       "Idempotency-Key": f"voci-alert-{alert.id}"})
        if response.status_code >= 300:
            raise RuntimeError(f"webhook answered {response.status_code}")
    else:
        done = subprocess.run(shlex.split(rule.target), input=text, text=True,
                              capture_output=True, timeout=timeout)
        if done.returncode:
            raise RuntimeError(f"command exited {done.returncode}: {done.stderr.strip()[:200]}")


@dataclass(frozen=True)
class AlertRun:
    raised: int  # alerts newly recorded
    delivered: int
    failed: int


def run_alerts(store: Store, rules: Sequence[Rule], *, cursor: str = "alerts",
               send: Deliver = deliver, now: dt.datetime | None = None) -> AlertRun:
    """Record the alerts the score changes since the cursor raise, then deliver every
    alert of these rules not delivered yet."""
    now = now or dt.datetime.now(dt.UTC)
    changes, until = store.changes_since(cursor)
    selected = {r.id: select_rumours(store, r) for r in rules} if changes else {}
    new = store.record_alerts(cursor, until, raised(rules, changes, selected), now)
    by_id = {r.id: r for r in rules}
    delivered = failed = 0
    for alert in store.pending_alerts(list(by_id)):
        try:
            send(by_id[alert.rule], alert)
        except Exception as e:  # a channel down: recorded, tried again next time
            store.mark_alert(alert.id, delivered_at=None, error=f"{type(e).__name__}: {e}")
            failed += 1
        else:
            store.mark_alert(alert.id, delivered_at=dt.datetime.now(dt.UTC))
            delivered += 1
    return AlertRun(new, delivered, failed)
