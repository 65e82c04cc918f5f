from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.sources import SourcesError, default_sources_path, load_sources, parse_sources

ROOT = Path(__file__).resolve().parents[1]

ISSUE_SHAPE = """\
outlets:
  - id: calciomercatocom
    name: Calciomercato.com
    aliases: [Calciomercato, calciomercato.com]   # how other articles cite it
    reliability: 0.35      # prior: share of its rumours that come true; comment its basis
    domains: [calciomercato.com]   # optional; default: the hosts of its feeds
    feeds:
      - https://www.calciomercato.com/feed
"""


def refused(text: str) -> SourcesError:
    with pytest.raises(SourcesError) as info:
        parse_sources(text, "s.yaml")
    return info.value


def test_the_documented_shape_loads_into_frozen_records() -> None:
    sources = parse_sources(ISSUE_SHAPE)
    (outlet,) = sources.outlets
    assert outlet.id == "calciomercatocom"
    assert outlet.aliases == ("Calciomercato", "calciomercato.com")
    assert outlet.reliability == 0.35
    assert outlet.domains == ("calciomercato.com",)
    assert outlet.feeds[0].url == "https://www.calciomercato.com/feed"
    assert outlet.feeds[0].poll_interval == dt.timedelta(minutes=10)
    with pytest.raises(AttributeError):
        outlet.reliability = 0.9  # type: ignore[misc]


def test_shipped_sources_are_valid_and_identical_inside_the_package() -> None:
    top = ROOT / "sources.yaml"
    assert default_sources_path().read_text() == top.read_text()
    sources = load_sources(top)
    assert len(sources.outlets) >= 20
    kinds = {o.kind for o in sources.outlets}
    assert {"daily", "specialist", "club_news", "journalist"} <= kinds
    assert {j.id for j in sources.journalists} >= {"fabrizio-romano", "gianluca-di-marzio"}


def test_duplicate_id_names_file_line_and_problem() -> None:
    text = ISSUE_SHAPE + ISSUE_SHAPE.split("outlets:\n")[1].replace("Calciomercato.com", "Other")
    error = refused(text)
    assert str(error).startswith("s.yaml:9: ")
    assert "duplicate id 'calciomercatocom'" in str(error)
    assert "line 2" in str(error)


@pytest.mark.parametrize("value", ["1.5", "0", "1", "-0.2", "'high'", "true"])
def test_reliability_must_lie_strictly_between_0_and_1(value: str) -> None:
    error = refused(ISSUE_SHAPE.replace("reliability: 0.35", f"reliability: {value}"))
    assert error.line == 5
    assert "reliability" in error.problem


def test_unknown_key_is_named_with_its_line() -> None:
    error = refused(ISSUE_SHAPE.replace("    feeds:", "    colour: red\n    feeds:"))
    assert (error.line, "unknown key 'colour'" in error.problem) == (7, True)


@pytest.mark.parametrize("url", ["ftp://x.it/feed", "not a url", "https://"])
def test_bad_feed_urls_are_refused(url: str) -> None:
    error = refused(ISSUE_SHAPE.replace("https://www.calciomercato.com/feed", url))
    assert error.line == 8 and "http(s) URL" in error.problem


def test_an_outlet_needs_feeds() -> None:
    assert "missing 'feeds'" in refused(ISSUE_SHAPE.split("    feeds:")[0]).problem
    empty = ISSUE_SHAPE.split("    feeds:")[0] + "    feeds: []\n"
    assert "has no feeds" in refused(empty).problem


def test_malformed_yaml_and_missing_file() -> None:
    assert "not valid YAML" in refused("outlets: [\n  - id: x\n").problem
    assert "empty" in refused("").problem
    with pytest.raises(SourcesError, match="no such file"):
        load_sources("/nonexistent/sources.yaml")


def test_ids_are_unique_across_outlets_and_journalists() -> None:
    text = ISSUE_SHAPE + ("journalists:\n  - id: calciomercatocom\n    name: X\n"
                          "    reliability: 0.5\n")
    assert "duplicate id" in refused(text).problem


def test_domains_default_to_feed_hosts_and_cover_subdomains() -> None:
    text = "\n".join(line for line in ISSUE_SHAPE.splitlines() if "domains:" not in line)
    (outlet,) = parse_sources(text).outlets
    assert outlet.domains == ("calciomercato.com",)
    assert outlet.owns_host("www.calciomercato.com")
    assert outlet.owns_host("CALCIOMERCATO.COM")
    assert not outlet.owns_host("notcalciomercato.com")
    assert not outlet.owns_host("calciomercato.com.evil.example")


def test_poll_intervals_per_outlet_and_feed() -> None:
    text = ISSUE_SHAPE.replace("    feeds:\n      - https://www.calciomercato.com/feed",
                               "    poll_interval: 30m\n    feeds:\n"
                               "      - https://www.calciomercato.com/feed\n"
                               "      - {url: https://www.calciomercato.com/rss,"
                               " poll_interval: 2h}")
    (outlet,) = parse_sources(text).outlets
    assert [f.poll_interval for f in outlet.feeds] == [dt.timedelta(minutes=30),
                                                       dt.timedelta(hours=2)]
    assert "poll_interval" in refused(text.replace("30m", "5s")).problem


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    broken = """outlets:
  - id: uno
    name: Uno
    reliability: 1.5
    feeds: [ftp://uno.example/rss]
    colour: blue
  - id: due
    name: Due
    reliability: 0.5
    feeds: [https://due.example/rss]
    kind: tabloid
  - id: uno
    name: Uno again
    reliability: 0.4
    feeds: [https://tre.example/rss]
journalists:
  - id: romano
    name: Fabrizio Romano
    reliability: nope
"""
    with pytest.raises(SourcesError) as e:
        parse_sources(broken, "s.yaml")
    lines = str(e.value).splitlines()
    assert lines == [
        "s.yaml:4: outlet 'uno': reliability 1.5 is outside (0, 1)",
        "s.yaml:5: outlet 'uno' feed: 'ftp://uno.example/rss' is not an http(s) URL",
        "s.yaml:6: outlet: unknown key 'colour' (known: aliases, club, domains, feeds, id, "
        "kind, name, poll_interval, reliability)",
        "s.yaml:11: outlet 'due': kind 'tabloid' is not one of daily, specialist, club_news, "
        "journalist, club, broadcaster, general",
        "s.yaml:12: duplicate id 'uno' (already used by an outlet on line 2)",
        "s.yaml:19: journalist 'romano': reliability must be a number, not 'nope'",
    ]
    assert (e.value.line, e.value.problem) == (4, "outlet 'uno': reliability 1.5 is outside (0, 1)")
    assert len(e.value.problems) == 6


def test_sources_check_lists_every_problem_and_exits_2(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipeline.cli import cli

    path = tmp_path / "s.yaml"
    path.write_text("outlets:\n  - id: Uno\n    name: Uno\n    reliability: 2\n"
                    "    feeds: [https://uno.example/rss]\n  - id: due\n    name: Due\n"
                    "    reliability: 0.5\n    feeds: []\n")
    result = CliRunner().invoke(cli, ["--sources", str(path), "sources", "check"])
    assert result.exit_code == 2
    assert f"{path}:2: an outlet id 'Uno' must be lowercase" in result.output
    assert f"{path}:9: outlet 'due' has no feeds" in result.output


def test_shipped_sources_cover_the_regional_dailies_rai_and_a_club_of_its_own() -> None:
    from pipeline.claims import default_clubs
    from pipeline.scoring import RELIABLE

    sources = load_sources(ROOT / "sources.yaml")
    assert {"lastampa", "ilmessaggero", "ilmattino", "raisport"} <= {o.id for o in sources.outlets}
    clubs = [o for o in sources.outlets if o.kind == "club"]
    assert clubs, "at least one club's own news"
    for o in clubs:  # a club's own word settles its deals: it must name a known club
        assert o.club in default_clubs().clubs and o.reliability >= RELIABLE, o.id
