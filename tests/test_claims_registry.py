"""Claims read with the player registry: who is a player, which one, and his club that day.

The registry here is a small invented one, so each test states the pattern it pins
without depending on what the shipped snapshot knows.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.claims import default_clubs, extract_claims
from pipeline.registry import Registry
from pipeline.registry.dataset import ClubRow, Dataset, PlayerRow, TransferRow

GENOA, LECCE, TORINO, EMPOLI = 100, 200, 300, 400


def _player(pid, name, born, club, citizenship="Italy"):
    return PlayerRow(pid, name, dt.date.fromisoformat(born), "Central Midfield", citizenship,
                     club, None, None)


@pytest.fixture(scope="module")
def registry() -> Registry:
    players = (
        _player(1, "Marco Ferretti", "1998-02-01", GENOA),
        _player(2, "Luca Ferretti", "2001-05-01", LECCE),
        _player(3, "Juan Ferretti", "1999-03-01", TORINO, "Argentina"),
        _player(4, "Paolo Gentile", "1975-01-01", GENOA),
        _player(5, "Tomás Quintero", "2000-01-01", TORINO, "Chile"),
        _player(6, "Giorgio Amato", "2000-01-01", LECCE),
        _player(7, "Giorgio Basile", "2000-01-01", LECCE),
        _player(8, "Giorgio Conti", "2000-01-01", LECCE),
        _player(9, "Dario Prestito", "2003-01-01", LECCE),
        _player(10, "Toro", "1999-01-01", None, "Brazil"),  # a one-name footballer
        _player(11, "Enzo Scarpellini", "1999-01-01", LECCE),  # no recorded move
    )
    clubs = (
        ClubRow(GENOA, "Genoa Cricket and Football Club", "IT1", "Aldo Bianchini", 2024),
        ClubRow(LECCE, "US Lecce", "IT1", None, 2024),
        ClubRow(TORINO, "Torino FC", "IT1", None, 2024),
        ClubRow(EMPOLI, "FC Empoli", "IT1", None, 2024),
    )
    transfers = (
        TransferRow(1, dt.date(2019, 7, 1), EMPOLI, GENOA, 3_000_000, None, None),
        TransferRow(5, dt.date(2025, 1, 2), EMPOLI, TORINO, 0, None, None),
        TransferRow(9, dt.date(2024, 8, 1), EMPOLI, LECCE, 0, None, None),  # a loan...
        TransferRow(9, dt.date(2025, 6, 30), LECCE, EMPOLI, 0, None, None),  # ...back to Empoli
    )
    return Registry(Dataset(players, clubs, transfers), default_clubs())


def claims(registry, title, body="", day="2026-03-01"):
    published = dt.datetime.fromisoformat(day + "T10:00:00+00:00")
    return extract_claims(title, body, published_at=published, registry=registry)


def rows(found):
    return [(c.player, c.from_club, c.to_club) for c in found]


def test_the_clubs_of_the_data_are_linked_to_voci_ids(registry):
    assert registry.club_map == {GENOA: "genoa", LECCE: "lecce", TORINO: "torino",
                                 EMPOLI: "empoli"}


def test_an_unknown_word_is_no_player_unless_the_text_presents_one(registry):
    # a capitalised word nobody plays under: a place, a paper, a month
    assert claims(registry, "Lecce, Valdarno nel mirino: offerta in arrivo") == []
    # the same word presented as a player ("il centrocampista X", "X del Club")
    assert rows(claims(registry, "Lecce, il centrocampista Valdarno nel mirino")) == [
        ("Valdarno", None, "lecce")]
    assert rows(claims(registry, "Il Lecce pensa a Valdarno dell'Empoli")) == [
        ("Valdarno", "empoli", "lecce")]


def test_a_first_name_and_a_surname_make_a_person_the_registry_may_not_know(registry):
    # "Giorgio" is a footballer's first name: a young or foreign player missing from the data
    found = claims(registry, "Il Lecce pensa a Giorgio Ferretti")
    assert rows(found) == [("Giorgio Ferretti", None, "lecce")]
    assert found[0].player_ref is None  # not any of the registry's Ferrettis


def test_a_shared_surname_is_the_namesake_who_plays_for_the_other_club(registry):
    # "la Juventus blinda X, respinto l'assalto dell'Inter": X is the one who plays for
    # the club that keeps him, not his namesake at the buyer
    found = claims(registry, "Il Torino blinda Ferretti, respinto l'assalto del Lecce")
    assert [(c.player_key, c.player_ref, c.from_club, c.to_club) for c in found] == [
        ("juan ferretti", 3, "torino", "lecce")]


def test_a_nationality_epithet_tells_namesakes_apart(registry):
    found = claims(registry, "Empoli, idea Ferretti: l'argentino piace molto")
    assert [(c.player_ref, c.from_club, c.from_inferred) for c in found] == [(3, "torino", True)]


def test_the_from_club_is_his_club_on_the_day_of_the_article(registry):
    before = claims(registry, "Il Lecce pensa a Marco Ferretti", day="2019-03-01")
    after = claims(registry, "Il Lecce pensa a Marco Ferretti", day="2020-03-01")
    assert [(c.from_club, c.from_inferred) for c in before] == [("empoli", True)]
    assert [(c.from_club, c.from_inferred) for c in after] == [("genoa", True)]


def test_the_club_he_plays_for_is_no_destination(registry):
    assert claims(registry, "Il Genoa pensa a Marco Ferretti", day="2020-03-01") == []


def test_a_later_snapshot_does_not_undo_the_move_being_reported(registry):
    # Quintero joined Torino on 2 January 2025; a story of December 2024 about that move is
    # read from the record of its day (he was at Empoli)...
    found = claims(registry, "Il Torino pensa a Tomás Quintero", day="2024-12-20")
    assert rows(found) == [("Tomás Quintero", "empoli", "torino")]
    # ...and a story after the data ends is not dropped for naming his last known club
    later = claims(registry, "Il Torino pensa a Marco Ferretti", day="2026-03-01")
    assert rows(later) == [("Marco Ferretti", "genoa", "torino")]


def test_a_registry_name_out_of_playing_age_is_no_player(registry):
    # Paolo Gentile was born in 1975: in 2026 the name is a coach's or a director's
    assert claims(registry, "Il Lecce pensa a Paolo Gentile") == []
    assert rows(claims(registry, "Il Lecce pensa a Paolo Gentile", day="2005-03-01")) == [
        ("Paolo Gentile", None, "lecce")]


def test_a_coach_of_the_clubs_table_is_never_a_player(registry):
    assert claims(registry, "L'Empoli vuole Aldo Bianchini") == []


def test_spellings_of_one_player_meet_at_his_registry_name(registry):
    a = claims(registry, "Il Lecce pensa a Ferretti del Torino")
    b = claims(registry, "Il Lecce pensa a Juan Ferretti")
    # each claim keeps the spelling the article used; both share the registry's key
    assert [(c.player, c.player_key, c.player_ref) for c in a + b] == [
        ("Ferretti", "juan ferretti", 3), ("Juan Ferretti", "juan ferretti", 3)]


def test_a_nickname_of_the_registry_names_its_player(registry):
    nicknamed = Registry(
        Dataset((_player(3, "Juan Ferretti", "1999-03-01", TORINO),), (), ()),
        default_clubs(), {"Juanfe": [3]})
    found = claims(nicknamed, "Il Lecce pensa a Juanfe")
    assert [(c.player, c.player_ref, c.player_key) for c in found] == [
        ("Juanfe", 3, "juan ferretti")]


def test_the_packaged_nicknames_name_players_of_the_snapshot():
    import yaml

    from pipeline.registry import snapshot
    from pipeline.registry.index import NICKNAMES, name_key

    shipped = snapshot()
    entries = yaml.safe_load(NICKNAMES.read_text(encoding="utf-8"))["players"]
    for entry in entries:
        player = shipped.players.get(entry["id"])
        assert player is not None, entry
        assert name_key(player.name) == name_key(entry["name"]), entry
        for nick in entry["nicknames"]:
            assert [p.id for p in shipped.by_name(nick)][:1] == [entry["id"]], nick


def test_a_word_glued_before_a_known_name_is_not_part_of_it(registry):
    # a headline's capitalised word before the name ("Sogno X", "L'articolo X") is dropped
    found = claims(registry, "Pallino Ferretti: il Lecce pensa al giocatore del Torino")
    assert [(c.player, c.player_ref) for c in found] == [("Ferretti", 3)]


@pytest.mark.parametrize(("title", "stage"), [
    ("Lecce in talks with Torino midfielder Juan Ferretti", "talks"),
    ("Lecce join Genoa in the race for Torino's €12m midfielder Juan Ferretti", "interest"),
    ("Lecce agree a deal with Torino for midfielder Juan Ferretti", "agreement"),
    ("Lecce table a bid for Torino star Juan Ferretti", "bid"),
])
def test_english_items_say_who_buys_from_whom(registry, title, stage):
    # English copy (Football Italia, wire services): the club that talks, bids or races is
    # the buyer; "CLUB defender X" and "CLUB's striker X" name the club he plays for
    found = [c for c in claims(registry, title) if c.to_club == "lecce"]
    assert [(c.player_ref, c.from_club, c.from_inferred, c.stage) for c in found] == [
        (3, "torino", False, stage)]


def test_a_headline_exchange_sends_the_second_player_from_the_first_buyer(registry):
    # "A spinge per X, al B andrebbe Y": X goes from B to A, and Y - the other half of the
    # deal - from A to B, whatever an older record of Y's club says
    found = claims(registry, "Il Lecce spinge per Marco Ferretti, al Genoa andrebbe Tomás Quintero")
    assert sorted((c.player, c.from_club, c.to_club, c.stage) for c in found) == [
        ("Marco Ferretti", "genoa", "lecce", "talks"),
        ("Tomás Quintero", "lecce", "genoa", "interest")]


def test_a_dream_come_true_is_no_transfer_target():
    from pipeline.claims.stages import stage_cues

    assert stage_cues("Realizzato un sogno che avevo da piccolo") == []
    assert [c.stage for c in stage_cues("Sogno Bianchi per il Lecce")] == ["interest"]


def test_an_agent_speaking_for_him_makes_a_footballer_of_a_shared_surname(registry):
    # "Rossi per il dopo Bianchi, parla l'agente: «...»": a person with an agent is a player
    # ("Ferretti" alone fits three players, none tied to the Sassuolo: not enough without the
    # agent)
    found = claims(registry, "Ferretti per il dopo de Vries, parla l'agente: «Piace al Sassuolo»")
    assert [(c.player, c.to_club, c.stage) for c in found] == [("Ferretti", "sassuolo", "interest")]
    assert claims(registry, "Ferretti per il dopo de Vries: «Piace al Sassuolo»") == []


def test_the_club_a_player_is_on_loan_at_buys_him_from_the_club_that_lent_him(registry):
    # "il Lecce vuole riscattare X": his club of the day is the buyer of a buy-out
    found = claims(registry, "Il Lecce vuole riscattare Dario Prestito", day="2024-12-01")
    assert [(c.from_club, c.to_club, c.from_inferred) for c in found] == [
        ("empoli", "lecce", True)]
    # without a buy-out, his club of the day is no destination
    assert claims(registry, "Il Lecce pensa a Dario Prestito", day="2024-12-01") == []


def test_the_data_date_ignores_moves_scheduled_ahead():
    from pipeline.registry.index import data_date

    summer = [dt.date(2025, 7, 1)] * 40 + [dt.date(2025, 6, 28)] * 5
    scheduled = [dt.date(2026, 6, 30), dt.date(2026, 7, 1), dt.date(2027, 6, 30)]
    assert data_date(summer + scheduled, today=dt.date(2026, 12, 5)) == dt.date(2025, 7, 1)
    assert data_date([dt.date(2024, 1, 2)], today=dt.date(2026, 12, 5)) == dt.date(2024, 1, 2)
    assert data_date([], today=dt.date(2026, 12, 5)) is None


def test_his_club_in_data_older_than_the_story_gives_the_from_club_only(registry):
    # Luca Ferretti has no recorded move; the data (January 2025) has him at the Lecce. A
    # later story of a move to the Lecce is kept (a loan may have ended, he may have left
    # and be coming back): the data cannot say, so it says nothing of the from-club
    assert rows(claims(registry, "Il Lecce pensa a Luca Ferretti", day="2026-03-01")) == [
        ("Luca Ferretti", None, "lecce")]
    assert rows(claims(registry, "Il Genoa pensa a Luca Ferretti", day="2026-03-01")) == [
        ("Luca Ferretti", "lecce", "genoa")]


def test_two_known_names_joined_by_a_dash_are_two_players(registry):
    # "Ferretti-Quintero" is no double-barrelled name when the registry knows each half
    # and not the whole: a swap or a pairing of two players
    found = claims(registry, "Scambio Marco Ferretti-Quintero tra Genoa e Torino: contatti avviati")
    assert {c.player_ref for c in found} == {1, 5}


def test_an_unknown_name_in_a_story_about_a_bench_is_a_coach(registry):
    # "Esonero X, Y in pole per la panchina": a name the registry does not know as a
    # footballer, where a team's bench is the subject, is a coach's
    assert claims(registry, "Esonero al Lecce, Giorgio Valdarno in pole per la panchina") == []
    assert rows(claims(registry, "Il Lecce pensa a Giorgio Valdarno")) == [
        ("Giorgio Valdarno", None, "lecce")]


def test_a_loanee_is_sold_by_the_club_that_owns_him(registry):
    # on loan at the Lecce from the Empoli: a move elsewhere is the Empoli's to make
    found = claims(registry, "Il Genoa pensa a Dario Prestito", day="2024-12-01")
    assert [(c.from_club, c.to_club, c.from_inferred) for c in found] == [
        ("empoli", "genoa", True)]


def test_a_fixture_of_a_club_nickname_and_a_club_names_no_player(registry):
    # "Toro-Crotone": the Torino's nickname against the Crotone, whatever footballer is
    # also called Toro
    assert claims(registry, "Toro-Crotone, sorprende Valdarno") == []


def test_a_club_pair_deal_goes_to_the_club_he_does_not_play_for(registry):
    # "Lecce-Torino, accordo per X": the text ties X to neither; he plays for the Torino
    found = claims(registry, "Lecce-Torino, accordo di massima per Juan Ferretti")
    assert rows(found) == [("Juan Ferretti", "torino", "lecce")]
    found = claims(registry, "Torino-Lecce, accordo di massima per Juan Ferretti")
    assert rows(found) == [("Juan Ferretti", "torino", "lecce")]
    # the same pair as "tra X e Y"
    for title in ("Contatti tra Torino e Lecce per Juan Ferretti",
                  "Trattativa avviata fra il Lecce e il Torino per Juan Ferretti"):
        assert rows(claims(registry, title)) == [("Juan Ferretti", "torino", "lecce")], title


def test_a_title_of_two_sentences_gives_each_its_own_stage(registry):
    # "ufficiale X. E ora si pensa a Y": Y's move is not official
    found = claims(registry, "Lecce, ufficiale Marco Ferretti. E ora si pensa a Juan Ferretti")
    assert sorted((c.player, c.stage) for c in found) == [
        ("Juan Ferretti", "interest"), ("Marco Ferretti", "official")]


def test_a_club_on_an_ex_player_of_another_club(registry):
    found = claims(registry, "Il Lecce sull'ex Genoa Juan Ferretti")
    assert rows(found) == [("Juan Ferretti", "torino", "lecce")]


def test_a_title_s_collapse_before_the_player_is_his(registry):
    # "No secco, salta il colpo in casa Lecce: niente X": the collapse is X's, said first
    found = claims(registry, "No secco, salta il colpo in casa Lecce: niente Juan Ferretti")
    assert [(c.player, c.to_club, c.stage) for c in found] == [
        ("Juan Ferretti", "lecce", "collapsed")]


def test_a_role_word_presents_only_the_name_right_after_its_epithets(registry):
    # "il centrocampista mancino degli anni Sessanta": no player called Sessanta
    assert claims(registry, "Lecce, sondaggio per il centrocampista mancino degli anni "
                            "Sessanta") == []
    assert rows(claims(registry, "Lecce, sondaggio per il centrocampista mancino Valdarno")) == [
        ("Valdarno", None, "lecce")]


def _staged(found):
    return [(c.player_key, c.from_club, c.to_club, c.stage) for c in found]


@pytest.mark.parametrize("title", [
    "Quintero in pole per il Genoa",
    "Quintero supera tutti: conferme dall'Argentina per il Genoa",
    "Il Genoa batte la concorrenza per Quintero",
])
def test_the_lead_of_a_shortlist_is_a_target(registry, title):
    assert _staged(claims(registry, title)) == [
        ("tomas quintero", "torino", "genoa", "interest")]


def test_an_agent_denying_contacts_with_a_club_denies_its_move(registry):
    # the club his side denies talking to is the would-be buyer, not his club
    found = claims(registry, "Quintero, parla l'agente: «Nessun contatto con il Genoa»")
    assert _staged(found) == [("tomas quintero", "torino", "genoa", "denied")]
    # with his club unknown too ("Scarpellini" has no recorded move before 2019)
    found = claims(registry, "Scarpellini per il dopo Quintero, parla l'ag.: «Nessun contatto "
                             "ufficiale con il Genoa»", day="2019-03-01")
    assert [(c.player_key, c.to_club, c.stage) for c in found] == [
        ("enzo scarpellini", "genoa", "denied")]


def test_a_player_who_wins_a_club_over_is_its_target(registry):
    found = claims(registry, "Quintero conquista tutti, in particolare il Genoa")
    assert _staged(found) == [("tomas quintero", "torino", "genoa", "interest")]
    # his own club (he joined Torino in January 2025)
    assert claims(registry, "Quintero ha stregato il Torino", day="2025-03-01") == []


def test_the_only_footballer_of_a_name_opening_a_headline_is_him(registry):
    # Scarpellini: one footballer of that name, who played in Italy, though the data has
    # no club for him on the story's day
    found = claims(registry, "Scarpellini conquista tutti, in particolare il Genoa",
                   day="2019-03-01")
    assert [(c.player_ref, c.to_club) for c in found] == [(11, "genoa")]


def test_a_headline_list_of_players_before_a_club_is_its_list_of_targets(registry):
    # "Ferretti" is three footballers: listed with footballers he is one, and the one
    # whose career the article's club belongs to (Marco came from Empoli)
    found = claims(registry, "Quintero, Ferretti e altri 3: Empoli, rivoluzione in attacco",
                   day="2025-03-01")
    assert sorted(_staged(found)) == [
        ("marco ferretti", "genoa", "empoli", "interest"),
        ("tomas quintero", "torino", "empoli", "interest")]
    # the club's own players listed before it are no targets
    assert claims(registry, "Amato, Basile e Conti: Lecce, che tridente") == []


def test_a_player_warning_a_club_speaks_of_a_match(registry):
    # "obiettivo" is a team's aim there, and the club warned is an opponent
    assert claims(registry, "Quintero avvisa il Genoa: «Il nostro obiettivo è tornare "
                            "in Europa»") == []


def test_a_round_up_s_official_is_not_given_to_the_next_player_s_club(registry):
    # "Ufficiale Rossi, il Lecce pensa a Bianchi": the Lecce is Bianchi's, not Rossi's
    found = claims(registry, "Ufficiale Quintero, il Lecce pensa a Marco Ferretti",
                   day="2025-03-01")
    assert _staged(found) == [("marco ferretti", "genoa", "lecce", "interest")]
    # an "Ufficiale:" before the player holds for the player the title names
    found = claims(registry, "Ufficiale: Quintero al Lecce", day="2025-03-01")
    assert _staged(found) == [("tomas quintero", "torino", "lecce", "official")]


def test_a_seller_announcing_a_sale_names_the_buyer(registry):
    found = claims(registry, "Ufficiale, il Torino ha ceduto Quintero al Lecce",
                   day="2025-03-01")
    assert _staged(found) == [("tomas quintero", "torino", "lecce", "official")]
    # a sale dated in the past is his career
    assert claims(registry, "Il Torino ha ceduto Quintero al Lecce nel 2019") == []


def test_a_past_club_said_in_an_aside_does_not_reach_past_the_comma(registry):
    found = claims(registry, "Quintero, ceduto al Lecce la scorsa estate, piace al Genoa",
                   day="2025-03-01")
    assert _staged(found) == [("tomas quintero", "torino", "genoa", "interest")]


@pytest.mark.parametrize("title", [
    "Quintero ha trovato l'accordo con il Genoa",
    "Il Genoa ha trovato l'accordo con il Torino per Quintero",
    "Quintero agrees personal terms with Genoa",
    "Genoa agree a deal with Torino for Quintero",
])
def test_the_other_side_of_a_deal_is_the_buyer_when_he_plays_elsewhere(registry, title):
    # the data records him at Torino since January 2025
    assert _staged(claims(registry, title, day="2025-03-01")) == [
        ("tomas quintero", "torino", "genoa", "agreement")]


def test_a_sentence_opening_on_a_renewal_is_about_his_club(registry):
    # (a story newer than the data: only the text says where he plays)
    assert claims(registry, "Rinnovo di Quintero, il Torino tratta") == []
    assert claims(registry, "Infortunio per Quintero, il Torino attende l'esito") == []


def test_the_text_calling_his_data_club_a_past_one_outweighs_the_data(registry):
    # the data has Marco Ferretti at Genoa; the article, newer, calls him an ex Genoa player
    found = claims(registry, "Lecce, torna di moda Marco Ferretti",
                   "Secondo alcune voci, l'ex centrocampista del Genoa piacerebbe al Lecce.")
    assert _staged(found) == [("marco ferretti", None, "lecce", "interest")]


def _dealt(found):
    return [(c.player_key, c.from_club, c.to_club, c.stage, c.deal) for c in found]


def test_a_window_list_under_a_club_heading_gives_its_done_deals(registry):
    body = ("GENOA\n\n"
            "Acquisti: Quintero (c, Torino), Amato (Lecce, prestito), Scarpellini (svincolato), "
            "Basile (Lecce, fine prestito)\n\n"
            "Cessioni: Marco Ferretti (a, Empoli)")
    found = claims(registry, "Serie A, come sono cambiate le rose", body, day="2025-03-01")
    assert sorted(_dealt(found)) == [
        ("enzo scarpellini", None, "genoa", "official", "free"),
        ("giorgio amato", "lecce", "genoa", "official", "loan"),
        ("marco ferretti", "genoa", "empoli", "official", None),
        ("tomas quintero", "torino", "genoa", "official", None),
    ]  # a loan coming back (Basile) is no transfer


def test_a_window_list_after_the_club_in_its_sentence(registry):
    found = claims(registry, "Il mercato del Genoa",
                   "Genoa – Acquisti: Quintero (Torino, obbligo di riscatto). Cessioni: "
                   "Marco Ferretti (svincolato).", day="2025-03-01")
    # a player released with no new club moves nowhere
    assert _dealt(found) == [("tomas quintero", "torino", "genoa", "official", "loan_obligation")]


def test_a_list_without_a_club_heading_is_no_window_list(registry):
    assert claims(registry, "Il punto sul mercato",
                  "Acquisti: Quintero (Torino), Amato (Lecce).", day="2025-03-01") == []


@pytest.mark.parametrize("title", [
    "Quintero è stato ceduto al Lecce",
    "Torino: ceduto Quintero al Lecce",
    "Il Torino ha ceduto Quintero al Lecce",
])
def test_a_sale_reported_done_is_official(registry, title):
    assert _staged(claims(registry, title, day="2025-03-01")) == [
        ("tomas quintero", "torino", "lecce", "official")]


def test_giving_in_to_a_club_or_a_sale_years_ago_is_no_official_sale(registry):
    found = claims(registry, "Il Torino ha ceduto alle richieste del Lecce per Quintero",
                   day="2025-03-01")
    assert all(c.stage != "official" for c in found)
    found = claims(registry, "Quintero, ceduto al Lecce nel 2019, piace al Genoa",
                   day="2025-03-01")
    assert _staged(found) == [("tomas quintero", "torino", "genoa", "interest")]


def test_a_club_s_shortlist_after_a_colon_is_its_targets(registry):
    found = claims(registry, "Genoa, tre nomi per il centrocampo",
                   "Il Genoa valuta tre profili: Quintero del Torino, Amato e Basile del Lecce.",
                   day="2025-03-01")
    assert sorted(_staged(found)) == [
        ("giorgio amato", "lecce", "genoa", "interest"),
        ("giorgio basile", "lecce", "genoa", "interest"),
        ("tomas quintero", "torino", "genoa", "interest")]
    # a round-up's heading names no club: its cue is not each item's
    assert claims(registry, "Il punto", "Le trattative del giorno: Quintero, Amato e Basile.",
                  day="2025-03-01") == []


def test_players_who_please_a_club_are_its_targets(registry):
    found = claims(registry, "Genoa, caccia al centrocampista",
                   "Il Genoa cerca un centrocampista: piacciono Quintero del Torino e Amato.",
                   day="2025-03-01")
    assert sorted(_staged(found)) == [
        ("giorgio amato", "lecce", "genoa", "interest"),
        ("tomas quintero", "torino", "genoa", "interest")]


def test_the_club_whose_probe_it_is_buys(registry):
    # "un sondaggio del Genoa": the Genoa probes; "nessuna offerta, solo un sondaggio" is
    # interest, not a denial
    found = claims(registry, "Quintero, il Genoa ci prova",
                   "Nessuna offerta per Quintero: per ora solo un sondaggio del Genoa con il "
                   "Torino.", day="2025-03-01")
    assert _staged(found) == [("tomas quintero", "torino", "genoa", "interest")]


def test_a_move_the_data_records_days_before_the_story_is_the_move_reported(registry):
    # Quintero joined Torino from Empoli on 2 January 2025: a story of 20 January reporting
    # the deal done is that move, not a move to the club he already plays for...
    found = claims(registry, "Ufficiale, Quintero è stato ceduto al Torino", day="2025-01-20")
    assert _staged(found) == [("tomas quintero", "empoli", "torino", "official")]
    # ...while mere interest of his own club is still no move
    assert claims(registry, "Il Torino pensa a Quintero", day="2025-01-20") == []


def test_a_clause_about_someone_else_ends_the_focus(registry):
    found = claims(registry, "Genoa, fatta per Quintero",
                   "Il Genoa ha chiuso per Quintero. In uscita c'è Amato, che piace all'Empoli.",
                   day="2025-03-01")
    assert ("tomas quintero", "torino", "empoli", "interest") not in _staged(found)
    assert ("tomas quintero", "torino", "genoa", "agreement") in _staged(found)


def test_a_clause_without_a_subject_takes_the_main_clause_s_club(registry):
    # "Dopo aver ufficializzato X, il Genoa ...": the Genoa signed X, whoever else the main
    # clause names; the list after X shares the official
    found = claims(registry, "Genoa, il punto",
                   "Dopo aver ufficializzato gli arrivi di Quintero, Amato e Basile, il Genoa "
                   "ha trovato il difensore dopo i no del Lecce e dell'Empoli per Valdarno.",
                   day="2025-03-01")
    assert sorted(c for c in _staged(found) if c[0] != "valdarno") == [
        ("giorgio amato", "lecce", "genoa", "official"),
        ("giorgio basile", "lecce", "genoa", "official"),
        ("tomas quintero", "torino", "genoa", "official")]


@pytest.mark.parametrize("title", [
    "Il Genoa ha preso Quintero dal Torino",
    "Genoa, dal Torino è arrivato il centrocampista Quintero",
])
def test_a_signing_reported_done_is_official(registry, title):
    assert _staged(claims(registry, title, day="2025-03-01")) == [
        ("tomas quintero", "torino", "genoa", "official")]


def test_ingest_workers_read_claims_with_the_registry_this_process_reads(
        registry, fetch_config) -> None:
    """A backfill reads pages in worker processes started fresh: they read claims with
    the registry the command activated (an imported one), not the packaged one."""
    from pipeline import registry as active_registry
    from pipeline.fetch import Fetcher
    from pipeline.ingest import Ingest, Link, Page, read
    from pipeline.sources import Feed, Outlet

    outlet = Outlet("test", "Test", 0.5, (Feed("https://test.example/rss"),),
                    domains=("test.example",))
    page = ("<html><head><title>Marco Ferretti verso il Lecce</title></head><body><article>"
            "<h1>Marco Ferretti verso il Lecce</h1><p>" + "Il Lecce ha chiesto Marco Ferretti: "
            "trattativa avviata, si tratta sulla formula. " * 6 + "</p></article></body></html>")
    at = dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)
    pages = [Page(Link(outlet, f"https://test.example/{n}", published_hint=at,
                       since=at - dt.timedelta(days=1)),
                  f"https://test.example/{n}", page.encode(), at) for n in range(4)]
    active_registry.activate(registry)
    try:
        inline = read(pages[0], ())  # in this process
        with Fetcher(fetch_config) as fetcher, Ingest(fetcher, (), clock=lambda: at,
                                                      workers=2, threshold=1) as ingest:
            ingest.expect(len(pages))
            futures = [ingest.submit_page(p) for p in pages]
            assert ingest.pooled  # worker processes
            pooled = [f.result() for f in futures]
    finally:
        active_registry.activate(None)
    [here] = [c for c in inline.claims if c.player == "Marco Ferretti"]  # type: ignore[union-attr]
    assert here.from_club == "genoa" and here.from_inferred
    for outcome in pooled:
        [there] = [c for c in outcome.claims if c.player == "Marco Ferretti"]  # type: ignore[union-attr]
        assert (there.from_club, there.player_ref) == (here.from_club, here.player_ref)


def test_a_full_name_in_capitals_is_read_as_the_name(registry):
    # roundups print the day's names in capitals: a whole name the registry knows is that
    # footballer, a heading's words are not
    found = claims(registry, "Calciomercato, le trattative del giorno",
                   "LECCE, IL PRIMO GIORNO DI GIORGIO AMATO - È ufficiale l'arrivo di "
                   "TOMÁS QUINTERO dal Torino al Genoa.")
    assert _staged(found) == [("tomas quintero", "torino", "genoa", "official")]
    assert found[0].player == "Tomás Quintero"


def test_capitals_are_left_as_written_unless_they_spell_a_known_full_name(registry):
    from pipeline.claims.extract import _uncapped

    assert _uncapped("UFFICIALE: GIORGIO AMATO AL GENOA", registry) == (
        "UFFICIALE: Giorgio Amato AL GENOA")
    # a surname alone, an unknown pair and an acronym stay in capitals
    for text in ("BOMBA QUINTERO", "MARIO ROSSINI al Genoa", "la UEFA e la FIGC"):
        assert _uncapped(text, registry) == text


def test_a_long_block_in_capitals_is_read_in_stretches_no_longer_than_a_name(registry):
    # a page-long block in capitals (a legal notice, a shouted roundup) is tried in
    # stretches up to the registry's longest name, not in every stretch of its words
    from pipeline.claims.extract import _uncapped

    filler = " ".join(["AVVISO", "AI", "LETTORI", "DEL", "SITO"] * 60)  # 300 words
    asked: list[str] = []

    class Counting:
        longest_name = registry.longest_name

        def full_match(self, name: str) -> list:
            asked.append(name)
            return registry.full_match(name)

    text = f"{filler} GIORGIO AMATO {filler}"
    out = _uncapped(text, Counting())  # type: ignore[arg-type]
    assert "Giorgio Amato" in out and out.count("AVVISO") == 120
    assert 2 <= registry.longest_name <= 8
    assert len(asked) <= 302 * registry.longest_name


@pytest.mark.parametrize("body", [
    "Il Genoa è su Tomás Quintero.",
    "Il Genoa è forte su Tomás Quintero.",
    "Lecce e Genoa sono su Tomás Quintero.",
    "Su Tomás Quintero c'è anche il Genoa.",
])
def test_a_club_on_a_player_is_interest_in_the_body_too(registry, body):
    # "il Genoa è su Rossi", "su Rossi c'è anche il Genoa": a headline's grammar that
    # articles use in their text as well
    found = claims(registry, "Calciomercato, le ultime", body)
    assert ("tomas quintero", "torino", "genoa", "interest") in _staged(found)


@pytest.mark.parametrize("body", [
    "Tomás Quintero è su Instagram con la maglia del Genoa.",  # on a platform, not a club
    "Su Instagram c'è una foto di Tomás Quintero con la maglia del Genoa.",
    "La vittoria del Genoa su Tomás Quintero e compagni.",  # a club in a noun's complement
])
def test_su_that_ties_no_club_to_the_player_is_no_claim(registry, body):
    assert claims(registry, "Calciomercato, le ultime", body) == []


def test_the_club_whose_door_is_knocked_at_sells(registry):
    # "il Genoa bussa alla porta dell'Empoli per Rossi": the Empoli is asked, not a buyer
    found = claims(registry, "Calciomercato, le ultime",
                   "Il Genoa bussa alla porta dell'Empoli per Tomás Quintero.")
    assert [c.to_club for c in found] == ["genoa"]


def test_english_personal_terms_are_with_the_buyer(registry):
    # "Rossi has agreed personal terms with Genoa": Genoa buys; "made contact with Empoli
    # over Rossi": Empoli is asked
    found = claims(registry, "Transfer news",
                   "Tomás Quintero has agreed personal terms with Genoa.")
    assert _staged(found) == [("tomas quintero", "torino", "genoa", "agreement")]
    found = claims(registry, "Transfer news",
                   "Genoa have made contact with Empoli over Tomás Quintero.")
    assert [c.to_club for c in found] == ["genoa"]


@pytest.mark.parametrize(("body", "stage"), [
    ("Il Genoa ha chiesto informazioni per l'attaccante del Torino, Tomás Quintero.",
     "interest"),
    ("Il Genoa ha presentato un'offerta per il cileno del Torino, Tomás Quintero, ma il "
     "Torino chiede di più.", "bid"),
])
def test_a_player_presented_by_his_club_then_named_after_the_comma(registry, body, stage):
    # "per l'attaccante del Lecce, Marco Rossi": the clause before the comma says it of him
    found = claims(registry, "Calciomercato, le ultime", body)
    assert _staged(found) == [("tomas quintero", "torino", "genoa", stage)]


def test_a_name_after_a_comma_without_a_player_presented_is_no_target(registry):
    # a result, then a scorer: nothing presented him as anyone's target
    assert claims(registry, "Calciomercato, le ultime",
                  "Il Genoa ha battuto il Torino, Tomás Quintero ha segnato.") == []
