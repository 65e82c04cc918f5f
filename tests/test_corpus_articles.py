"""The dev corpora article by article (fundus-style golden tests): each labelled article's
claims, read from its title and body, compared with its labels - player, destination,
from-club, stage, fee and relayed source - so a rule change shows as a diff on the articles
it moves. `test_claims_corpus.py` holds the corpus-wide floors through the whole pipeline.

Articles voci does not read exactly as labelled are listed in `corpus_articles_known.yaml`
with what is wrong: strict expected failures, taken off when they start passing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.claims import KnownSource, default_clubs, extract_claims
from pipeline.evaluation import same_player
from pipeline.rumours.names import name_key

CORPORA = Path(__file__).resolve().parent / "fixtures" / "corpus"
KNOWN = yaml.safe_load(Path(__file__).with_name("corpus_articles_known.yaml").read_text()) or {}


def _cases() -> list:
    cases = []
    for name in ("dev-a", "dev-b"):
        content = yaml.safe_load((CORPORA / name / "content.yaml").read_text(encoding="utf-8"))
        sources = tuple(
            KnownSource(o["id"], o["name"], tuple(o.get("aliases") or ()), o.get("kind", "outlet"))
            for o in content["outlets"]
        )
        for article in content["articles"]:
            known = KNOWN.get(name, {}).get(article["id"])
            marks = [pytest.mark.xfail(reason=known, strict=True)] if known else []
            cases.append(pytest.param(content["moves"], sources, article,
                                      id=f"{name}:{article['id']}", marks=marks))
    return cases


def _source(name: str | None) -> str:
    """A relayed source's name, folded, without its article ("il Taccuino")."""
    words = name_key(name or "").split()
    return " ".join(words[1:] if words[:1] in (["il"], ["la"], ["lo"], ["l"], ["the"]) else words)


def _club(name: str | None) -> str | None:
    return default_clubs().lookup(name) if name else None


@pytest.mark.parametrize(("moves", "sources", "article"), _cases())
def test_a_corpus_article_reads_as_labelled(moves, sources, article):
    claims = extract_claims(article["title"], article.get("body", ""), outlet_id=article["outlet"],
                            known_sources=sources, published_at=article["published"])
    want = []
    for label in article.get("claims", []):
        move = moves[label["move"]]
        want.append((move["player"], _club(move["to"]), _club(move.get("from")), label))
    wrong = []
    for c in claims:
        hit = next((w for w in want if same_player(c.player_key, w[0]) and c.to_club == w[1]), None)
        if hit is None:
            wrong.append(f"not labelled: {c.player} {c.from_club} -> {c.to_club} ({c.stage})")
            continue
        want.remove(hit)
        player, _, from_club, label = hit
        if from_club is not None and c.from_club != from_club:
            wrong.append(f"{player}: from {c.from_club}, labelled {from_club}")
        if c.stage != label["stage"]:
            wrong.append(f"{player}: stage {c.stage}, labelled {label['stage']}")
        if c.fee_eur != label.get("fee_eur"):
            wrong.append(f"{player}: fee {c.fee_eur}, labelled {label.get('fee_eur')}")
        if _source(c.cites) != _source(label.get("cites")):
            wrong.append(f"{player}: relays {c.cites}, labelled {label.get('cites')}")
    wrong += [f"missed: {w[0]} {w[2]} -> {w[1]} ({w[3]['stage']})" for w in want]
    assert not wrong, f"{article['title']!r}: " + "; ".join(wrong)
