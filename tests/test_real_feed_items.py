"""Real feed items, article by article: what voci reads from each labelled item.

The labelled real sets (`../shared/realworld/feeds-dev`: real items of 2026;
`../shared/realworld/headlines-dev`: real 2017-18 headlines) are read in place - they have
no licence and are never copied here - and each item is one test case, so a rule change
shows as a diff on the items it moves. An item passes when the claims read from its title
and feed text are exactly its labelled moves (player and destination; the from-club too
where the label names a club voci knows), moves labelled `allowed` being neither right
nor wrong; and no claim is "official" that its label does not make official.

Items voci does not read right yet are listed in `real_feed_items_known.yaml` with what is
missing: they are expected failures, strictly - an item that starts passing fails until
it is taken off the list, so the list only ever shrinks by choice.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.articles import feed_text
from pipeline.claims import default_clubs, extract_claims
from pipeline.evaluation import same_player
from pipeline.fetch.feeds import parse_feed
from tests.conftest import SHARED

SETS = ("feeds-dev", "headlines-dev")
KNOWN = yaml.safe_load((Path(__file__).with_name("real_feed_items_known.yaml")).read_text())


def _items() -> list:
    cases = []
    for name in SETS:
        folder = SHARED / "realworld" / name
        if not (folder / "labels.yaml").exists():
            cases.append(pytest.param(name, None, None, marks=pytest.mark.skip(
                reason=f"{folder} is absent: the real dev sets live beside the project")))
            continue
        labels = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8"))["items"]
        entries = {}
        for feed in sorted((folder / "feeds").glob("*.xml")):
            for entry in parse_feed(feed.read_bytes(), url=f"http://127.0.0.1/{feed.name}").entries:
                link = entry.link.replace("_", "").replace("-", "")
                for key in labels:
                    if key.replace("_", "").replace("-", "") in link:
                        entries[key] = entry
        for key, label in labels.items():
            if label.get("unsure") or key not in entries:
                continue
            known = KNOWN.get(name, {}).get(key)
            marks = [pytest.mark.xfail(reason=known, strict=True)] if known else []
            cases.append(pytest.param(name, entries[key], label, id=f"{name}:{key}", marks=marks))
    return cases


def _club(name: str | None) -> str | None:
    return default_clubs().lookup(name) if name else None


@pytest.mark.parametrize(("set_name", "entry", "label"), _items())
def test_a_real_item_reads_as_labelled(set_name, entry, label):
    claims = extract_claims(entry.title, feed_text(entry), outlet_id=set_name,
                            published_at=entry.published_at)
    want = [(w["player"], _club(w["to"]), _club(w.get("from"))) for w in label.get("claims", [])]
    official = {(w["player"], _club(w["to"])) for w in label.get("claims", [])
                if w.get("stage") == "official"}
    allowed = [(a["player"], _club(a["to"])) for a in label.get("allowed", [])]
    wrong, right = [], []
    for c in claims:
        hit = next((w for w in want if same_player(c.player_key, w[0]) and c.to_club == w[1]), None)
        if c.stage == "official" and not any(
            same_player(c.player_key, p) and c.to_club == to for p, to in official
        ):
            # the costliest error: a move made official that the labels do not have
            wrong.append(f"official not labelled: {c.player} -> {c.to_club}")
        if hit is not None:
            want.remove(hit)
            right.append(c)
            if hit[2] is not None and c.from_club != hit[2]:
                wrong.append(f"{c.player}: from {c.from_club}, labelled {hit[2]}")
        elif not any(same_player(c.player_key, a[0]) and c.to_club == a[1] for a in allowed):
            wrong.append(f"not labelled: {c.player} {c.from_club} -> {c.to_club} ({c.stage})")
    wrong += [f"missed: {w[0]} {w[2]} -> {w[1]}" for w in want]
    assert not wrong, f"{entry.title!r}: " + "; ".join(wrong)
