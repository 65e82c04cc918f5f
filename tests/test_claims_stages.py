"""Stages: the vocabulary of deal stages, and what silences a cue."""

import pytest

from pipeline.claims.stages import deal_shape, is_hedged, is_match_report, stage_cues


def stages(text: str) -> set[str]:
    return {c.stage for c in stage_cues(text) if not c.past}


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("la Lazio ha effettuato un sondaggio per il mediano", "interest"),
        ("il Torino ha messo nel mirino il portiere", "interest"),
        ("avviati i contatti con il Feyenoord", "talks"),
        ("summit in corso tra le due società", "talks"),
        ("l'Inter ha presentato un'offerta al Lens", "bid"),
        ("il Genoa rilancia per l'attaccante", "bid"),
        ("fumata bianca tra Sassuolo e Lilla", "agreement"),
        ("accordo raggiunto con il Benfica", "agreement"),
        ("il centrale sta sostenendo le visite mediche", "medical"),
        ("adesso è ufficiale", "official"),
        ("il difensore ha firmato fino al 2030", "official"),
        ("il club smentisce qualsiasi trattativa", "denied"),
        ("«Non c'è stato nessun contatto con il Porto»", "denied"),
        ("salta l'affare con il Bournemouth", "collapsed"),
        ("niente da fare per il centravanti", "collapsed"),
    ],
)
def test_stage_vocabulary(text, stage):
    assert stage in stages(text)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("i contatti ufficiali non sono ancora partiti", "talks"),
        ("nessuna offerta formale, almeno per ora", "bid"),
        ("davanti a un'offerta importante il club potrebbe cedere", "bid"),
        ("le visite mediche sono previste la prossima settimana", "medical"),
        ("l'annuncio ufficiale è atteso in serata", "official"),
        ("un'offerta ufficiale", "official"),  # "ufficiale" qualifies the offer
        ("se dovesse arrivare la fumata bianca", "agreement"),
        ("si parla di un'intesa ormai vicina", "agreement"),
        ("il club non ha chiuso la porta", "collapsed"),
        ("per ora si tratta di un interesse", "talks"),
        ("salta la trasferta di Lecce", "collapsed"),
    ],
)
def test_negated_hypothetical_and_planned_cues_are_dropped(text, absent):
    assert absent not in stages(text)


def test_not_yet_agreed_means_still_negotiating():
    assert stages("le parti non hanno ancora trovato l'accordo") == {"talks"}


def test_a_cue_after_dopo_is_history():
    cues = stage_cues("dopo il sondaggio, il Como ha presentato un'offerta")
    assert [(c.stage, c.past) for c in cues] == [("interest", True), ("bid", False)]


def test_renewals_carry_no_stage():
    assert stage_cues("il club annuncia il rinnovo del contratto del capitano") == []


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("prestito secco fino a giugno", "loan"),
        ("prestito con diritto di riscatto", "loan_option"),
        ("prestito con obbligo di riscatto", "loan_obligation"),
        ("arriva a parametro zero", "free"),
        ("uno scambio alla pari", "swap"),
        ("cessione a titolo definitivo", "transfer"),
        ("nessuna formula indicata", None),
    ],
)
def test_deal_shapes(text, shape):
    assert deal_shape(text) == shape


def test_hedging():
    assert is_hedged("il Napoli avrebbe chiesto informazioni")
    assert is_hedged("secondo alcune indiscrezioni il club ci pensa")
    assert not is_hedged("il Napoli ha chiesto informazioni")


def test_match_report_is_recognised():
    assert is_match_report("Verona-Como 0-2", "Al 12' segna Nico Paz, al 70' raddoppia Morata.")
    assert not is_match_report("Como, idea per la difesa", "Il Como pensa a un centrale.")


# --- cues that are not what they look like (invented sentences)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # "vicino a casa" is geography, not "vicino al Lecce"
        ("il mediano vorrebbe giocare vicino a casa", "talks"),
        ("il terzino tornerebbe volentieri vicino alla sua famiglia", "talks"),
        # "rilanciare" a player is to relaunch his career, not to raise a bid
        ("Juric è convinto di poterlo rilanciare come mezzala", "bid"),
        ("il Monza vuole rilanciarlo dopo un anno difficile", "bid"),
        ("un club che possa rilanciare la sua carriera", "bid"),
        # "si tratta (per ora) di" is "it is a matter of"
        ("per il Verona si tratta per ora di una suggestione", "talks"),
        # the hypothesis governs only the consequence it is attached to
        ("se arrivasse l'offerta giusta il Lecce potrebbe aprire", "bid"),
    ],
)
def test_look_alikes_are_not_cues(text, absent):
    assert absent not in stages(text)


def test_relaunching_a_bid_is_still_a_bid():
    assert "bid" in stages("l'Empoli rilancia: 6 milioni più bonus")


def test_returning_to_fashion_is_interest():
    assert stages("torna di moda il nome del trequartista") == {"interest"}


def test_a_conditional_in_a_coordinated_clause_does_not_silence_the_first():
    text = "i contatti con il Cagliari proseguono e la prossima settimana potrebbe essere decisiva"
    assert "talks" in stages(text)


def test_a_conditional_official_is_no_official():
    assert "official" not in stages("il prestito verrebbe ufficializzato a gennaio")
    # after a sentence-opening "Se ...", the caller passes conditional=True
    assert stage_cues("lo scambio sarebbe ufficializzato subito", conditional=True) == []


def test_missing_a_fixture_is_no_collapse_and_dreams_of_goals_are_no_interest():
    # "salta" with a club as its object is a match the player misses; the deal sense has a
    # deal word or no object at all
    assert [c.stage for c in stage_cues("Bianchi salta la Sampdoria")] == []
    assert [c.stage for c in stage_cues("Bianchi-Lecce, salta tutto")] == ["collapsed"]
    assert [c.stage for c in stage_cues("salta il colpo Bianchi")] == ["collapsed"]
    # "sogni da bomber" (dreams) is no target; "il Lecce sogna Bianchi" is
    assert [c.stage for c in stage_cues("sogni da bomber")] == []
    assert [c.stage for c in stage_cues("il Lecce sogna Bianchi")] == ["interest"]


def test_headline_verbs_of_a_target():
    # "Club vuole X", "Club torna su X", "Club piomba su X": a target, in a headline
    for text in ("Il Lecce vuole Bianchi", "Napoli torna su Bianchi", "il Genoa piomba su Bianchi"):
        assert [c.stage for c in stage_cues(text)] == ["interest"], text
    # ...but not wanting to stay, or not wanting to sell
    assert stage_cues("Bianchi vuole restare") == []
    assert stage_cues("il Lecce non vuole cedere") == []


def test_a_target_presented_by_role_or_age():
    # "Club vuole il giovane X", "Club punta l'attaccante X": the role between verb and name
    for text in ("il Lecce vuole il giovane Bianchi", "il Bologna punta il difensore Neri",
                 "la Salernitana vuole l'attaccante classe 2005 Verdi"):
        assert [c.stage for c in stage_cues(text)] == ["interest"], text
    # ...but a club's aim is no target, nor a player pointing at something
    assert stage_cues("il Lecce punta la salvezza") == []
    assert stage_cues("il Lecce vuole la vittoria contro il Genoa") == []


def test_closing_in_on_a_player_is_advanced_talks():
    for text in ("il Genoa chiude per Rossi", "il Lecce sta per chiudere per il giovane Bianchi",
                 "il Torino chiude per l'attaccante Verdi"):
        assert [c.stage for c in stage_cues(text)] == ["talks"], text
    # done is an agreement; closing for the holidays is no move
    assert [c.stage for c in stage_cues("il Genoa ha chiuso per Rossi")] == ["agreement"]
    assert stage_cues("il centro sportivo chiude per Natale") == []


def test_one_step_from_a_move_is_talks_but_not_from_a_goal():
    for text in ("il Genoa è a un passo da Rossi", "Rossi ad un passo dal Lecce",
                 "il Lecce chiude il colpo Rossi"):
        assert [c.stage for c in stage_cues(text)] == ["talks"], text
    for text in ("a un passo dal gol", "la squadra è a un passo dalla salvezza",
                 "il Genoa è ad un passo dalla finale"):
        assert stage_cues(text) == [], text


def test_a_settled_deal_is_an_agreement():
    for text in ("tutto fatto per Rossi", "il Genoa: affare ormai definito per Rossi",
                 "definito l'arrivo di Rossi al Genoa", "operazione definita con il Lecce"):
        assert [c.stage for c in stage_cues(text)] == ["agreement"], text
    # not yet settled is still negotiating; a settled line-up is no deal
    assert [c.stage for c in stage_cues("non è ancora tutto definito")] == ["talks"]
    assert stage_cues("il modulo è definito") == []


def test_the_sellers_yes_is_an_agreement_and_waiting_for_it_is_talks():
    for text in ("c'è il via libera del Genoa", "arriva l'ok del Genoa per Rossi"):
        assert [c.stage for c in stage_cues(text)] == ["agreement"], text
    for text in ("manca il via libera del Genoa", "si attende l'ok del Genoa",
                 "manca ancora l'ok"):
        assert [c.stage for c in stage_cues(text)] == ["talks"], text
    assert stage_cues("il via libera dei medici") == []  # fit to play, no deal


def test_english_phrases_of_a_move_nearing():
    for text in ("Genoa are closing in on Rossi", "Genoa are close to signing Rossi",
                 "Rossi is on the verge of joining Genoa", "Rossi is nearing a move to Genoa",
                 "Genoa are pushing for Rossi"):
        assert [c.stage for c in stage_cues(text)] == ["talks"], text
    assert [c.stage for c in stage_cues("Genoa have enquired about Rossi")] == ["interest"]
    for text in ("Genoa are closing in on the title", "Rossi is pushing for a place in the side"):
        assert stage_cues(text) == [], text


def test_proving_the_critics_wrong_is_no_denial():
    assert stage_cues("una notte per smentire i suoi detrattori") == []
    assert [c.stage for c in stage_cues("il club smentisce la trattativa")][:1] == ["denied"]


def test_a_club_pushing_for_a_player_is_in_talks_a_director_pushing_for_a_deal_is_not():
    assert [c.stage for c in stage_cues("La Fiorentina spinge per Bianchi")] == ["talks"]
    assert stage_cues("a spingere per l'operazione sarebbe il direttore sportivo") == []


def test_announcing_something_else_is_no_official_move():
    # "ha annunciato che non cederà X": an announcement, not of the move
    assert "official" not in [c.stage for c in stage_cues(
        "Il Lecce ha annunciato che non cederà Bianchi")]
    assert "official" in [c.stage for c in stage_cues(
        "Il Genoa ha annunciato l'arrivo di Bianchi")]


def _stages(text):
    return [c.stage for c in stage_cues(text)]


def test_english_headline_tenses():
    # a headline's present is a done deal; wanting, planning, "could" are not
    assert _stages("Official: Genoa sign Rossi from Lecce") == ["official", "official"]
    assert _stages("Rossi completes move to Genoa") == ["official"]
    assert _stages("Genoa want to sign Rossi") == ["interest"]
    assert _stages("Genoa could sign Rossi in January") == ["interest"]
    assert _stages("Genoa set to sign Rossi") == ["agreement"]
    assert _stages("Rossi completes his medical with Genoa") == ["medical"]
    assert "medical" not in _stages("Rossi will undergo a medical on Monday")
    assert _stages("Rossi extends his contract with Genoa") == []


def test_english_deal_shapes():
    assert deal_shape("Genoa sign Rossi on a free transfer") == "free"
    assert deal_shape("Rossi joins Genoa on loan with an option to buy") == "loan_option"
    assert deal_shape("a loan with an obligation to buy") == "loan_obligation"
    assert deal_shape("Rossi arriva a zero dal Lecce") == "free"


def test_cue_words_inside_other_words_are_no_cues():
    # "attesi" (expected) inside a surname planned nothing; "sofferta" offers nothing
    assert _stages("Mattesi completes his medical with Genoa") == ["medical"]
    assert _stages("Genoa, una vittoria sofferta con Rossi") == []


def test_a_team_aim_is_no_target():
    assert _stages("il nostro obiettivo è tornare in Europa") == []
    assert _stages("obiettivo salvezza per il Lecce") == []
    assert _stages("Rossi è l'obiettivo del Genoa") == ["interest"]


def test_the_lead_of_a_shortlist_is_interest():
    assert _stages("Rossi in pole per il Genoa") == ["interest"]
    assert _stages("Rossi supera la concorrenza") == ["interest"]


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        # the suitors' race, and trying for a player
        ("il Genoa è avanti nella corsa a Rossi", "interest"),
        ("il Lecce è in corsa per il giovane Bianchi", "interest"),
        ("Rossi entra nell'orbita del Torino", "interest"),
        ("il Genoa si muove per Rossi", "interest"),
        ("il Lecce continua a provarci per Bianchi", "interest"),
        ("il Torino tenta Rossi", "interest"),
        ("il Genoa ha fatto un tentativo per Rossi", "interest"),
        ("il Lecce prova a prendere Bianchi", "interest"),
        ("il Lecce è pronto a piombare su Bianchi", "interest"),
        # pressing for him
        ("il Genoa accelera per Rossi", "talks"),
        ("il Lecce stringe i tempi per Bianchi", "talks"),
        ("il Torino insiste per Rossi", "talks"),
        ("il Genoa tenta un nuovo affondo", "talks"),
        ("il Lecce lavora per portare Bianchi in Puglia", "talks"),
        # his yes, his future told as settled
        ("Rossi ha detto sì al Genoa", "agreement"),
        ("c'è il sì di Bianchi", "agreement"),
        ("Rossi sarà un giocatore del Lecce", "agreement"),
        # the contract lodged with the league
        ("il Genoa ha depositato il contratto di Rossi", "official"),
        ("contratto depositato in Lega nel pomeriggio", "official"),
        # weighing him, linked to him, knocking at the door
        ("Rossi accostato al Torino", "interest"),
        ("il Genoa bussa alla porta del Lecce", "interest"),
        ("Lecce, spunta il nome di Bianchi", "interest"),
        ("il Lecce ha chiesto Rossi al Genoa", "interest"),
        ("il Torino vuole fortemente Rossi", "interest"),
        ("Genoa, si lavora per Rossi", "talks"),
        ("il Genoa offre 20 milioni per Rossi", "bid"),
        ("il Lecce chiede 30 milioni, il Genoa ne offre 20", "bid"),
        ("il Genoa offre un quinquennale a Rossi", "bid"),
        ("il Lecce vuole il brasiliano Rossi", "interest"),  # presented by nationality
        ("il Lecce intende chiudere Rossi", "talks"),
        ("il Genoa sta per definire il danese Bianchi", "talks"),
        ("il Cagliari ha preso il polacco Rossi dal Lecce", "official"),
        ("il Genoa ha acquisito Rossi", "official"),
        ("il Genoa si è preso Rossi", "official"),
        ("Genoa, prende quota Rossi", "interest"),
        ("Lecce, ritorno di fiamma per Bianchi", "interest"),
        ("Torino, il prescelto è Rossi", "interest"),
        ("Genoa, sorpasso su Rossi", "interest"),
        ("Genoa, si complica la pista Rossi", "talks"),
        ("il Genoa accelera per l'acquisto di Rossi", "talks"),
        ("Lecce, tramonta Bianchi", "collapsed"),
        ("il Lecce sta definendo l'acquisto di Bianchi", "talks"),
        # secured
        ("il Genoa si assicura Rossi", "agreement"),
        ("il Lecce si è assicurato il giovane Bianchi", "agreement"),
        ("il Torino ha praticamente chiuso l'accordo per Rossi", "agreement"),
        ("il Genoa piazza il colpo", "agreement"),
        ("Rossi vestirà la maglia del Genoa", "agreement"),
        ("il Genoa comunica di essersi assicurato le prestazioni sportive di Rossi", "official"),
        # a suitor giving up
        ("il Torino si tira indietro", "collapsed"),
        ("il Lecce si è tirato indietro", "collapsed"),
        ("dietrofront del Genoa", "collapsed"),
        ("il Genoa molla Rossi", "collapsed"),
    ],
)
def test_more_of_the_vocabulary_of_a_chase(text, stage):
    assert stage in stages(text)


@pytest.mark.parametrize(
    "text",
    [
        "il Genoa è in corsa per lo Scudetto",  # a title, not a player
        "il Lecce nella corsa alla salvezza",
        "Rossi si muove per tutto il fronte offensivo",  # on the pitch
        "Rossi ci prova su punizione",
        "un affondo sulla fascia di Rossi",
        "il Genoa non molla Rossi",  # still after him
        "la Lega Pro si è tirata fuori dalla discussione",
        "il Lecce valuta Rossi 20 milioni",  # his club's price, not a suitor weighing him
        "il Genoa si è assicurato la salvezza",
        "Genoa, niente Champions per il Torino",  # a competition missed
        "Rossi offre l'assist per il gol del pareggio",  # on the pitch
        "il Genoa si è presa la rivincita",
        # match and injury news in the market's words
        "Lecce, si lavora per il rientro di Rossi",
        "Napoli, si complica il recupero di Rossi",
        "il Genoa accelera per il rientro di Rossi",
        "il Genoa sta definendo la formazione anti-Lecce",
        "Genoa, prende quota la difesa a tre con Rossi",
        "Rossi vestirà la maglia numero 10",
        "il Genoa piazza il colpo del sorpasso",
        "Genoa, tramonta la difesa a tre con Rossi",
        "Juventus coach Tudor was asked about Rossi",
        "Lecce, Rossi insiste per giocare",
        "Rossi entra nell'orbita della prima squadra",
        "il difensore del Genoa deve chiudere Rossi",
        "Rossi ha piazzato il colpo di testa vincente",
    ],
)
def test_the_same_words_off_the_market_are_no_cue(text):
    assert stages(text) == set()


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("Genoa are leading the race for Rossi", "interest"),
        ("Genoa have asked about Rossi", "interest"),
        ("Lecce are weighing up a move for Bianchi", "interest"),
        ("Torino have turned their attention to Rossi", "interest"),
        ("Rossi is on Genoa's shortlist", "interest"),
        ("Genoa have identified Rossi as a replacement", "interest"),
        ("Genoa have made contact with Lecce over Rossi", "talks"),
        ("Genoa have held talks over Rossi", "talks"),
        ("Rossi has joined Genoa on loan", "official"),
        ("Genoa have abandoned their pursuit of Rossi", "collapsed"),
        ("Lecce have ended their interest in Bianchi", "collapsed"),
        ("Genoa walked away from the deal", "collapsed"),
    ],
)
def test_english_vocabulary_of_a_chase(text, stage):
    assert stage in stages(text)
