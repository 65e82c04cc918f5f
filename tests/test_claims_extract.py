"""extract_claims end to end, on invented articles (no corpus sentences)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.claims import KnownSource, extract_claims
from tests.budget import examples

KNOWN = (
    KnownSource("bussola", "Bussola Mercato", ("BussolaMercato",)),
    KnownSource("asroma", "AS Roma", ("asroma.com",)),
)


def one(title: str, body: str, **kw):
    claims = extract_claims(title, body, known_sources=KNOWN, **kw)
    assert len(claims) == 1, claims
    return claims[0]


def test_basic_rumour_with_seller_fee_and_relay():
    c = one(
        "Bologna, idea Frendrup per il centrocampo",
        "Il Bologna pensa a Morten Frendrup. Secondo quanto riportato "
        "da Sky Sport, il centrocampista del Genoa "
        "piace molto a Sartori. Il Genoa chiederebbe 15 milioni di euro.",
    )
    assert (c.player_key, c.to_club, c.from_club, c.stage, c.fee_eur, c.cites) == (
        "morten frendrup",
        "bologna",
        "genoa",
        "interest",
        15_000_000,
        "Sky Sport",
    )
    assert c.hedged and c.evidence


def test_a_target_presented_by_role_between_verb_and_name():
    # roundups name the player after his role: "chiude per il giovane X", "vuole il difensore X"
    c = one("Calciomercato, le ultime",
            "Il Lecce sta per chiudere per il giovane Marco Bellotti dal Parma.")
    assert (c.player, c.from_club, c.to_club, c.stage) == (
        "Marco Bellotti", "parma", "lecce", "talks")
    c = one("Calciomercato, le ultime",
            "Il Genoa vuole il difensore Luca Ferrandi del Sassuolo.")
    assert (c.player, c.from_club, c.to_club, c.stage) == (
        "Luca Ferrandi", "sassuolo", "genoa", "interest")


def test_one_step_from_a_club_is_a_move_to_it():
    # "a un passo dal Genoa": the club he is about to join, not the one he leaves
    c = one("Calciomercato, le ultime",
            "Il Torino ci prova, ma Marco Bellotti è a un passo dal Genoa.")
    assert (c.player, c.to_club, c.stage) == ("Marco Bellotti", "genoa", "talks")
    c = one("Calciomercato, le ultime", "Il Lecce è ad un passo da Marco Bellotti.")
    assert (c.player, c.to_club, c.stage) == ("Marco Bellotti", "lecce", "talks")


def test_the_club_giving_its_yes_is_the_seller():
    c = one("Calciomercato, le ultime",
            "Marco Bellotti al Torino: c'è il via libera del Genoa.")
    assert (c.player, c.from_club, c.to_club, c.stage) == (
        "Marco Bellotti", "genoa", "torino", "agreement")


def test_surname_only_and_diacritics_join_the_full_name():
    c = one(
        "Vlahovic-Bayern, c'è l'offerta",
        "Il Bayern ha presentato un'offerta per Dušan Vlahović. "
        "Vlahović è in scadenza con la Juventus.",
    )
    assert c.player_key == "dusan vlahovic" and c.player == "Dušan Vlahović" and c.stage == "bid"


def test_same_surname_players_are_two_players():
    claims = extract_claims(
        "Doppio Martínez in Premier",
        "Il Manchester City ha presentato un'offerta per Lautaro Martínez. "
        "Intanto il Tottenham ha messo nel mirino Lisandro Martínez del Manchester United: "
        "Martínez piace molto agli Spurs.",
    )
    got = {(c.player_key, c.to_club) for c in claims}
    assert ("lautaro martinez", "manchester-city") in got
    assert ("lisandro martinez", "tottenham") in got


def test_staff_are_not_players():
    claims = extract_claims(
        "Lazio, Sarri chiede un esterno",
        "Il ds Angelo Fabiani ha effettuato un sondaggio per Nicolò Zaniolo. "
        "Il tecnico Maurizio Sarri lo vuole.",
    )
    assert [c.player_key for c in claims] == ["nicolo zaniolo"]


def test_swap_is_two_claims():
    claims = extract_claims(
        "Genoa-Cagliari, idea scambio Frendrup-Prati",
        "Genoa e Cagliari stanno trattando uno scambio che "
        "porterebbe Morten Frendrup in rossoblù e "
        "Matteo Prati al Genoa. Le parti si sono già sentite.",
    )
    got = {(c.player_key, c.to_club, c.from_club, c.deal) for c in claims}
    assert ("matteo prati", "genoa", "cagliari", "swap") in got
    assert ("morten frendrup", "cagliari", "genoa", "swap") in got


def test_denial_and_collapse():
    denied = one(
        "Pisa, smentita su Insigne", "Il Pisa smentisce: «Nessun contatto con Lorenzo Insigne»."
    )
    assert denied.stage == "denied" and denied.to_club == "pisa"
    collapsed = one(
        "Como, salta Kessié", "Niente da fare per Franck Kessié al Como: l'Al-Ahli non lo cede."
    )
    assert (collapsed.stage, collapsed.to_club, collapsed.from_club) == (
        "collapsed",
        "como",
        "al-ahli",
    )


def test_latest_state_wins_and_free_transfer():
    c = one(
        "Sassuolo, fatta per Mario Rui",
        "Dopo il sondaggio della scorsa settimana, il Sassuolo ha trovato l'accordo con Mario Rui, "
        "svincolato, che arriverà a parametro zero.",
    )
    assert (c.stage, c.fee_eur, c.deal) == ("agreement", 0, "free")


def test_official_press_release_cites_the_club_site():
    body = (
        "Adesso è ufficiale: Kristjan Asllani è un nuovo "
        "giocatore della Roma. Lo ha annunciato il club "
        "giallorosso con un comunicato sul proprio sito ufficiale."
    )
    c = one("Ufficiale: Asllani alla Roma", body, outlet_id="bussola")
    assert (c.stage, c.to_club, c.cites, c.cites_id) == ("official", "roma", "AS Roma", "asroma")
    own = one(
        "Asllani è un nuovo calciatore giallorosso",
        "AS Roma comunica di aver raggiunto l'accordo per "
        "l'acquisizione dei diritti alle prestazioni "
        "sportive di Kristjan Asllani. AS Roma dà il benvenuto a Kristjan.",
        outlet_id="asroma",
    )
    assert own.stage == "official" and own.cites is None


def test_ambiguous_destination_is_not_guessed():
    assert (
        extract_claims("Nuovo obiettivo", "I nerazzurri hanno messo nel mirino Nicolò Fagioli.")
        == []
    )


def test_noise_produces_no_claims():
    match = (
        "Udinese-Como 1-2: decide Nico Paz",
        "Al 20' Thauvin porta avanti l'Udinese, al 55' pareggia "
        "Morata e all'88' Nico Paz salta due uomini "
        "e segna. Offerta di gioco convincente del Como.",
    )
    renewal = (
        "Rinnovo per Dimarco",
        "L'Inter annuncia il rinnovo del contratto di Federico Dimarco fino al 2029.",
    )
    injury = (
        "Stop per Lookman",
        "Ademola Lookman si è fermato per un problema muscolare: salta la trasferta di Parma.",
    )
    sacking = (
        "Esonerato il tecnico",
        "Il Verona ha esonerato l'allenatore Paolo Zanetti dopo la sconfitta.",
    )
    for title, body in (match, renewal, injury, sacking):
        assert extract_claims(title, body) == [], title


def test_player_named_in_passing_is_no_claim():
    claims = extract_claims(
        "Milan, offerta per Sesko",
        "Il Milan ha presentato un'offerta per Benjamin Šeško del Lipsia, per sostituire "
        "l'infortunato Santiago Giménez.",
    )
    assert [c.player_key for c in claims] == ["benjamin sesko"]


@settings(max_examples=examples(25), deadline=None)
@given(
    st.sampled_from(
        [
            "Il Napoli ha presentato un'offerta per Jonathan David del Lille.",
            "Secondo Marca, l'Atlético ha chiuso per Giacomo Raspadori: manca solo la firma.",
            "I nerazzurri hanno messo nel mirino Nicolò Fagioli.",
        ]
    )
)
def test_deterministic(body):
    assert extract_claims("Titolo", body) == extract_claims("Titolo", body)


# --- who the move is about (invented articles)


def test_the_buyers_own_squad_named_as_comparison_is_no_target():
    claims = extract_claims(
        "Udinese, sondaggio per Colpani",
        "L'Udinese ha effettuato un sondaggio con il Monza per Andrea Colpani, un'alternativa "
        "a Thauvin e Lucca. Runjaic chiede da tempo il vice di Ehizibue, e per sostituire "
        "Pereyra serve un esterno.",
    )
    assert [c.player_key for c in claims] == ["andrea colpani"]


def test_a_brother_named_by_first_name_is_another_player_with_the_same_surname():
    claims = extract_claims(
        "Il Marsiglia ci prova per Kevin Mbappé",
        "Il Marsiglia ha messo nel mirino Kevin Mbappé del Lione. Intanto il nome del fratello "
        "Yannick torna di moda: l'ex ala del Nizza piacerebbe al Torino.",
    )
    got = {(c.player_key, c.to_club) for c in claims}
    assert got == {("kevin mbappe", "marseille"), ("yannick mbappe", "torino")}


def test_a_relative_named_after_fratello_di_is_in_passing():
    claims = extract_claims(
        "Il Parma su Lorenzo Bianchi",
        "Il Parma ha presentato un'offerta per Lorenzo Bianchi, fratello di Matteo Bianchi, "
        "al Cittadella.",
    )
    assert [c.player_key for c in claims] == ["lorenzo bianchi"]


def test_the_club_he_plays_for_today_beats_a_dated_past_club():
    c = one(
        "Il Betis pensa a Joaquín Ortega",
        "Il Betis ha messo nel mirino Joaquín Ortega. Il terzino, ceduto al Valencia nel "
        "2021, oggi trova poco spazio al Villarreal.",
    )
    assert (c.to_club, c.from_club) == ("real-betis", "villarreal")


def test_past_club_after_ex_with_a_role():
    c = one(
        "Il Cagliari su Mattia Zanetti",
        "Mattia Zanetti piace al Cagliari: l'ex centrocampista del Lecce è svincolato.",
    )
    assert (c.to_club, c.from_club) == ("cagliari", None)


def test_an_experience_some_seasons_ago_is_a_past_club():
    claims = extract_claims(
        "Scambio Rossi-Verdi tra Genoa e Lecce",
        "Genoa e Lecce trattano un'operazione incrociata che porterebbe Luca Rossi in "
        "giallorosso e Marco Verdi in rossoblù. Verdi tornerebbe a Genova dopo l'esperienza "
        "in rossoblù di qualche stagione fa.",
    )
    got = {(c.player_key, c.from_club, c.to_club, c.deal) for c in claims}
    assert got == {
        ("luca rossi", "genoa", "lecce", "swap"),
        ("marco verdi", "lecce", "genoa", "swap"),
    }


def test_rescinding_with_his_club_and_playing_little_there_say_his_club():
    c = one(
        "Il Verona sogna il ritorno di Lasagna",
        "Kevin Lasagna potrebbe tornare al Verona a gennaio. A Genova Lasagna non trova "
        "spazio: il suo agente lavora alla risoluzione del contratto con il club rossoblù, "
        "poi l'attaccante sarebbe libero di firmare con il Verona.",
    )
    assert (c.to_club, c.from_club) == ("verona", "genoa")


def test_the_club_that_gives_permission_is_the_seller():
    c = one(
        "Mario Hermoso, oggi le visite mediche con il Genoa",
        "Mario Hermoso sostiene oggi le visite mediche con il Genoa: il Getafe ha concesso il "
        "permesso.",
    )
    assert (c.to_club, c.from_club, c.stage) == ("genoa", "getafe", "medical")


def test_the_formula_is_discussed_with_the_seller():
    claims = extract_claims(
        "Empoli, idea Esposito",
        "Il ds studia la formula con lo Spezia, resta viva l'idea Esposito per l'Empoli.",
    )
    assert [(c.to_club, c.from_club) for c in claims] == [("empoli", "spezia")]


def test_a_known_journalist_is_not_a_lowercase_adjective():
    known = (KnownSource("romano", "Fabrizio Romano", ("Romano",), "journalist"),)
    claims = extract_claims(
        "Lecce, offerta per Bianco",
        "Il Lecce ha presentato un'offerta per Alessandro Bianco, centrocampista romano del "
        "Monza. Lo conferma Romano.",
        known_sources=known,
    )
    assert [c.cites for c in claims] == ["Fabrizio Romano"]
    claims = extract_claims(
        "Lecce, offerta per Bianco",
        "Il Lecce ha presentato un'offerta per Alessandro Bianco, centrocampista romano del "
        "Monza.",
        known_sources=known,
    )
    assert [c.cites for c in claims] == [None]


def test_a_match_opponent_is_no_buyer():
    # "una doppietta contro il Sassuolo": the club he scored against is no destination
    claims = extract_claims(
        "Lecce, il momento di Bianchi",
        "Il centrocampista Bianchi del Lecce sogna la convocazione. Una doppietta contro il "
        "Sassuolo ha esaltato ancor di più il suo inizio di stagione.",
    )
    assert [c.to_club for c in claims] == []


def test_a_lowercase_foreign_particle_opens_a_surname():
    # "de Vrij", "van Dijk": the particle belongs to the name (Italian "di"/"da" do not)
    from pipeline.claims.players import find_people
    from pipeline.claims.sentences import split_article

    people = find_people(split_article("Lecce, idea de Vries: piace anche van Berg", ""))
    assert sorted(p.display for p in people) == ["de Vries", "van Berg"]
    people = find_people(split_article("Lecce, piace la moglie di Bianchi", ""))
    assert [p.display for p in people] == ["Bianchi"]


def test_a_list_round_up_heads_each_paragraph_with_player_dash_club():
    # "Rossi-Lecce: ..." opening a paragraph of a list-style round-up names the move
    claims = extract_claims(
        "Le trattative degli ultimi giorni",
        "Siamo alle ultime ore del mercato.\n\nHøjlund-Napoli: i campioni d'Italia sono in "
        "chiusura per il giocatore.\n\nVardy-Cremonese: l'inglese sta trattando.",
    )
    assert {(c.player_key, c.to_club) for c in claims} >= {
        ("rasmus hojlund", "napoli"), ("jamie vardy", "cremonese")}


def test_a_listed_coach_named_with_a_middle_name_is_still_staff():
    from pipeline.claims.players import find_people
    from pipeline.claims.sentences import split_article

    people = find_people(split_article("Lazio, piace Diego Pablo Simeone", ""))
    assert [(p.display, p.staff) for p in people] == [("Diego Pablo Simeone", True)]


def test_a_match_opponent_named_anywhere_is_no_buyer_without_a_tie():
    # a preview: the club named as the next opponent is not where a "sogna" sends him
    claims = extract_claims(
        "Bianchi, il Lecce ti teme",
        "L'Atalanta lo sogna da anni. Il centrocampista Bianchi del Genoa è in gran forma. "
        "Il prossimo avversario dei rossoblù è proprio l'Atalanta.",
    )
    assert [c.to_club for c in claims] == []
    # a tie of player and club still makes a move: "Bianchi all'Atalanta"
    claims = extract_claims(
        "Bianchi all'Atalanta, c'è l'accordo",
        "Il centrocampista Bianchi del Genoa. Il prossimo avversario del Genoa è l'Atalanta.",
    )
    assert [c.to_club for c in claims] == ["atalanta"]


def test_facing_a_rival_for_a_player_is_no_match():
    # "affronta la concorrenza del Napoli" is a transfer race, not a fixture
    claims = extract_claims("Il Lecce pensa a Bianchi del Genoa e affronta la concorrenza "
                            "del Napoli", "")
    assert {c.to_club for c in claims} == {"lecce", "napoli"}  # the Napoli is a rival buyer
    from pipeline.claims.direction import OPPONENT, club_role

    text = "Il Lecce affronta la concorrenza del Napoli per Bianchi"
    start = text.index("Napoli")
    assert club_role(text, start, start + 6, None, False) != OPPONENT
    text = "Domenica il Genoa affronterà la Roma"
    start = text.index("Roma")
    assert club_role(text, start, start + 4, None, False) == OPPONENT


def test_a_huge_text_is_read_up_to_the_caps_in_bounded_sentences():
    # a feed item with a megabyte title, or a body with no sentence end: only the capped
    # text is read, in sentences of bounded length (benchmarks/claims_scaling.py prints
    # the time it takes against the text's size)
    from pipeline.claims import extract, sentences

    filler = "e poi ancora parole senza fine " * 40_000  # ~1.2 MB, no full stop
    cut = sentences.split_article(filler[:5000], filler[:5000])
    assert all(s.end - s.start <= sentences.MAX_SENTENCE for s in cut.sentences)
    early = "Il Genoa ha chiuso per Frendrup. "
    late = " Il Torino ha chiuso per Mainoo."
    found = extract_claims("Genoa, fatta", early + filler + late)
    assert [c.player_key for c in found] == ["morten frendrup"]  # the tail is past MAX_BODY
    assert len(extract._capped(filler, extract.MAX_BODY)) <= extract.MAX_BODY
    assert extract_claims(filler, "") == []


def test_a_swap_read_as_two_moves_to_one_club_sends_the_other_player_back():
    # "Genoa-Lecce, prende quota lo scambio Rossi-Bianchi": both were read as going to the
    # Lecce; Rossi comes from the Genoa, so Bianchi goes from the Lecce to the Genoa
    from pipeline.claims.moves import complete_swaps
    from pipeline.model import Claim

    rossi = Claim(player="Rossi", player_key="rossi", to_club="lecce", from_club="genoa",
                  stage="interest", from_inferred=True)
    bianchi = Claim(player="Bianchi", player_key="bianchi", to_club="lecce", from_club=None,
                    stage="interest")
    got = {(c.player_key, c.from_club, c.to_club, c.deal)
           for c in complete_swaps([rossi, bianchi], [frozenset({"rossi", "bianchi"})])}
    assert got == {("rossi", "genoa", "lecce", "swap"), ("bianchi", "lecce", "genoa", "swap")}
    # with both origins unknown nothing says which way each goes: left as read
    unsure = Claim(player="Rossi", player_key="rossi", to_club="lecce", from_club=None,
                   stage="interest")
    assert complete_swaps([unsure, bianchi], [frozenset({"rossi", "bianchi"})]) == [
        unsure, bianchi]
