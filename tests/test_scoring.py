"""The scorer's promises, as properties over generated evidence (hypothesis)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pipeline.scoring import (
    CONFIRMED_P,
    Report,
    RumourFacts,
    origins,
    score_all,
    score_rumour,
)
from tests.budget import examples

AS_OF = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
OUTLETS = ["alfa", "beta", "gamma", "delta", "club"]
RELIABILITY = {"alfa": 0.3, "beta": 0.45, "gamma": 0.6, "delta": 0.75, "club": 0.99,
               "romano": 0.7}
POSITIVE = ["interest", "talks", "bid", "agreement", "medical"]


@st.composite
def reports(draw: st.DrawFn, min_size: int = 1, max_size: int = 8,
            stages: list[str] | None = None) -> list[Report]:
    n = draw(st.integers(min_size, max_size))
    out = []
    for i in range(n):
        outlet = draw(st.sampled_from(OUTLETS[:4]))
        cites = draw(st.sampled_from([None, None, None, "romano", *OUTLETS[:4]]))
        out.append(Report(
            claim_id=i + 1, article_id=i + 1, outlet_id=outlet,
            published_at=AS_OF - dt.timedelta(hours=draw(st.integers(0, 24 * 40))),
            stage=draw(st.sampled_from(stages or POSITIVE + ["denied"])),
            hedged=draw(st.booleans()),
            fee_eur=draw(st.sampled_from([None, 20_000_000, 25_000_000])),
            cites_id=cites if cites != outlet else None,
        ))
    return out


def score(rs: list[Report], reliability: dict[str, float] = RELIABILITY) -> float:
    return score_rumour(rs, reliability, as_of=AS_OF).probability


@given(reports(), st.randoms())
def test_the_arrival_order_does_not_matter(rs: list[Report], rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(rs)
    rnd.shuffle(shuffled)
    assert score_rumour(rs, RELIABILITY, as_of=AS_OF) == \
        score_rumour(shuffled, RELIABILITY, as_of=AS_OF)


@given(reports(stages=POSITIVE), st.sampled_from(OUTLETS[:4]), st.floats(0.05, 0.4))
def test_more_reliable_sources_never_lower_the_probability(rs: list[Report], outlet: str,
                                                           more: float) -> None:
    better = dict(RELIABILITY, **{outlet: min(0.95, RELIABILITY[outlet] + more)})
    assert score(rs, better) >= score(rs)


@given(reports(), st.sampled_from(["beta", "gamma"]), st.sampled_from(POSITIVE),
       st.integers(1, 20))
def test_an_independent_report_from_a_more_reliable_source_raises_more(
        rs: list[Report], _unused: str, stage: str, hours: int) -> None:
    when = AS_OF - dt.timedelta(hours=hours)
    fresh = [o for o in OUTLETS[:4] if all(r.outlet_id != o and r.cites_id != o for r in rs)]
    assume(len(fresh) == 0)  # all used: use two new outlets instead
    weak = Report(100, 100, "nuovo-debole", when, stage)
    strong = Report(100, 100, "nuovo-forte", when, stage)
    reliability = dict(RELIABILITY, **{"nuovo-debole": 0.35, "nuovo-forte": 0.7})
    assert score(rs + [strong], reliability) > score(rs + [weak], reliability)


@given(reports(), st.data())
def test_a_relay_of_an_already_counted_report_changes_nothing(rs: list[Report],
                                                              data: st.DataObject) -> None:
    counted = data.draw(st.sampled_from(rs))
    relayer = data.draw(st.sampled_from(["relayer-one", "relayer-two"]))
    later = data.draw(st.integers(0, 48))
    relay = dataclasses.replace(
        counted, claim_id=999, article_id=999, outlet_id=relayer,
        published_at=min(AS_OF, counted.published_at + dt.timedelta(hours=later)),
        cites_id=counted.cites_id or counted.outlet_id)
    before = score_rumour(rs, RELIABILITY, as_of=AS_OF)
    after = score_rumour(rs + [relay], RELIABILITY, as_of=AS_OF)
    assert after.probability == before.probability
    assert after.n_independent == before.n_independent


@given(reports(stages=POSITIVE), st.sampled_from(OUTLETS[:4]), st.integers(0, 200))
def test_a_denial_lowers_the_probability(rs: list[Report], outlet: str, hours: int) -> None:
    denial = Report(500, 500, outlet, AS_OF - dt.timedelta(hours=hours), "denied")
    assert score(rs + [denial]) < score(rs)


@given(reports(stages=POSITIVE), st.integers(0, 200))
def test_a_collapse_lowers_more_than_a_denial(rs: list[Report], hours: int) -> None:
    when = AS_OF - dt.timedelta(hours=hours)
    denied = score(rs + [Report(500, 500, "gamma", when, "denied")])
    collapsed = score(rs + [Report(500, 500, "gamma", when, "collapsed")])
    assert collapsed < denied


@given(reports())
def test_probabilities_stay_strictly_inside_0_1_until_resolved(rs: list[Report]) -> None:
    result = score_rumour(rs, RELIABILITY, as_of=AS_OF)
    assert result.status in ("open", "collapsed")
    assert 0 < result.probability < 1


def test_a_later_stronger_report_revives_a_collapsed_rumour() -> None:
    t0 = AS_OF - dt.timedelta(days=6)
    talks = Report(1, 1, "gamma", t0, "talks")
    collapse = Report(2, 2, "delta", t0 + dt.timedelta(days=1), "collapsed")
    revival = Report(3, 3, "delta", t0 + dt.timedelta(days=4), "agreement")
    dead = score_rumour([talks, collapse], RELIABILITY, as_of=AS_OF)
    alive = score_rumour([talks, collapse, revival], RELIABILITY, as_of=AS_OF)
    assert dead.status == "collapsed" and alive.status == "open"
    assert alive.probability > score_rumour([talks], RELIABILITY, as_of=AS_OF).probability


def test_repeats_by_one_outlet_add_less_and_less() -> None:
    base = [Report(i, i, "beta", AS_OF - dt.timedelta(hours=30 - i), "talks") for i in range(1, 5)]
    steps = [score(base[:n]) for n in range(1, 5)]
    gains = [b - a for a, b in zip(steps, steps[1:], strict=False)]
    assert all(g > 0 for g in gains) and gains == sorted(gains, reverse=True)


def test_relays_of_relays_and_copies_reach_their_origin() -> None:
    t = AS_OF - dt.timedelta(days=1)
    rs = [Report(1, 1, "alfa", t, "talks"),                          # alfa's own scoop
          Report(2, 2, "beta", t, "talks", cites_id="alfa"),         # beta relays alfa
          Report(3, 3, "gamma", t, "talks", cites_id="beta"),        # gamma relays beta
          Report(4, 4, "delta", t, "talks", copy_of=3),              # delta copies gamma
          Report(7, 7, "delta", t, "talks", copy_of=8, copy_of_outlet="alfa"),  # and alfa
          Report(5, 5, "delta", t, "talks", cites="Marca"),          # a foreign paper
          Report(6, 6, "beta", t, "denied")]                         # denials are no support
    assert set(origins(rs).values()) == {"alfa", "name:marca", "beta"}
    result = score_rumour(rs, RELIABILITY, as_of=AS_OF)
    assert result.n_independent == 2 and result.n_reports == 7 and result.n_outlets == 4
    assert "2 independent sources" in result.reason


def test_official_announcement_resolves_and_closes_the_players_other_rumours() -> None:
    t = AS_OF - dt.timedelta(days=2)
    joins = RumourFacts("r1", "p1", "2027-01", (Report(1, 1, "club", t, "official"),))
    other = RumourFacts("r2", "p1", "2027-01", (Report(2, 2, "delta", t, "agreement"),))
    later = RumourFacts("r3", "p1", "2027-07", (Report(3, 3, "delta", t, "talks"),))
    scores = score_all([joins, other, later], RELIABILITY, as_of=AS_OF)
    assert scores["r1"].status == "confirmed" and scores["r1"].probability >= 0.99
    assert scores["r1"].probability == CONFIRMED_P
    assert scores["r2"].status == "collapsed" and scores["r2"].probability < 0.01
    assert scores["r3"].status == "open"


def test_an_unreliable_ufficiale_does_not_resolve() -> None:
    result = score_rumour([Report(1, 1, "alfa", AS_OF, "official")], RELIABILITY, as_of=AS_OF)
    assert result.status == "open" and result.probability < 0.99


def test_rumours_decay_and_expire() -> None:
    rs = [Report(1, 1, "gamma", dt.datetime(2026, 12, 1, tzinfo=dt.UTC), "agreement")]
    fresh = score_all([RumourFacts("r", "p", "2027-01", tuple(rs))], RELIABILITY,
                      as_of=dt.datetime(2026, 12, 2, tzinfo=dt.UTC))["r"]
    stale = score_all([RumourFacts("r", "p", "2027-01", tuple(rs))], RELIABILITY,
                      as_of=dt.datetime(2027, 1, 20, tzinfo=dt.UTC))["r"]
    gone = score_all([RumourFacts("r", "p", "2027-01", tuple(rs))], RELIABILITY,
                     as_of=dt.datetime(2027, 2, 10, tzinfo=dt.UTC))["r"]
    assert fresh.probability > stale.probability
    assert (fresh.status, gone.status) == ("open", "expired")


def test_a_move_seen_collapsing_stays_collapsed_once_its_window_closes() -> None:
    """ "Salta l'affare" from a reliable outlet in December settles the January move: when
    the window closes it is a move that did not happen (learning and the backtest count
    it so), not one whose end nobody saw; a move nobody saw fall through expires."""
    talks = Report(1, 1, "gamma", dt.datetime(2026, 12, 1, tzinfo=dt.UTC), "talks")
    fell = Report(2, 2, "delta", dt.datetime(2026, 12, 10, tzinfo=dt.UTC), "collapsed")
    after = dt.datetime(2027, 2, 10, tzinfo=dt.UTC)
    for as_of in (dt.datetime(2026, 12, 11, tzinfo=dt.UTC), after):
        gone = score_all([RumourFacts("r", "p", "2027-01", (talks, fell))], RELIABILITY,
                         as_of=as_of)["r"]
        assert gone.status == "collapsed", as_of
    quiet = score_all([RumourFacts("r", "p", "2027-01", (talks,))], RELIABILITY,
                      as_of=after)["r"]
    assert quiet.status == "expired"


def test_a_window_expires_when_serie_a_closed_it() -> None:
    """Summer 2020 ran to 5 October (COVID); summer 2019 closed on 2 September."""
    at = dt.datetime(2020, 9, 10, tzinfo=dt.UTC)
    covid = RumourFacts("r", "p", "2020-07", (Report(1, 1, "gamma", at, "agreement"),))

    def status(facts: RumourFacts, as_of: dt.datetime) -> str:
        return score_all([facts], RELIABILITY, as_of=as_of)["r"].status

    assert status(covid, dt.datetime(2020, 10, 5, 21, 59, tzinfo=dt.UTC)) == "open"
    assert status(covid, dt.datetime(2020, 10, 5, 22, 0, tzinfo=dt.UTC)) == "expired"
    at = dt.datetime(2019, 8, 30, tzinfo=dt.UTC)
    summer = RumourFacts("r", "p", "2019-07", (Report(1, 1, "gamma", at, "agreement"),))
    late_on_deadline_day = dt.datetime.fromisoformat("2019-09-02T23:30:00+02:00")
    assert status(summer, late_on_deadline_day) == "open"
    assert status(summer, dt.datetime(2019, 9, 3, 8, 0, tzinfo=dt.UTC)) == "expired"


@settings(max_examples=examples(50))
@given(reports(stages=POSITIVE))
def test_reports_from_the_future_are_ignored(rs: list[Report]) -> None:
    future = Report(77, 77, "delta", AS_OF + dt.timedelta(hours=1), "agreement")
    assert score_rumour(rs + [future], RELIABILITY, as_of=AS_OF) == \
        score_rumour(rs, RELIABILITY, as_of=AS_OF)


@given(st.lists(st.tuples(st.sampled_from([None, 9_500_000, 10_000_000, 10_400_000,
                                            11_000_000, 30_000_000]),
                          st.integers(0, 5)), min_size=1, max_size=12))
def test_the_fee_is_the_one_most_reports_agree_on_within_5_percent(
        drawn: list[tuple[int | None, int]]) -> None:
    """The consensus fee, by its definition over every pair of reports: the fee the most
    reports lie within 5 % of, the most recently reported on a tie, then the lowest."""
    rs = [Report(claim_id=i + 1, article_id=i + 1, outlet_id="alfa",
                 published_at=AS_OF - dt.timedelta(days=age), stage="talks", fee_eur=fee)
          for i, (fee, age) in enumerate(drawn)]
    fees = sorted((r.published_at, r.fee_eur) for r in rs if r.fee_eur)
    expected = max(fees, key=lambda f: (sum(abs(g - f[1]) <= 0.05 * f[1] for _, g in fees),
                                        f[0]))[1] if fees else None
    assert score_rumour(rs, RELIABILITY, as_of=AS_OF).fee_eur == expected
