"""Direction: what a club mention means for a player - buyer, seller or past club.

Owns `club_role(text, mention, players_before)`: from the words around one club mention
in one sentence it says whether the club is

- SELLER, the player's current club: "Joe Gomez del Liverpool", "il difensore del
  Liverpool", "in uscita dal Torino", "resterà all'Inter", "oggi al Nottingham Forest",
  or a club doing what sellers do ("la Roma chiederebbe 30 milioni", "il Forest non vuole
  cedere il giocatore", "la valutazione fissata dalla Dea");
- COUNTERPART, the other side of a negotiation: "contatti con il River Plate",
  "offerta al PSG", "chiesto Koné alla Roma" (a seller, weakly: the buyer is the subject);
- BUYER: "Thuram all'Arsenal?", "si trasferirà in azzurro", "nel mirino del Bayern",
  "piace alla Roma", "è un nuovo giocatore del Milan", "porterebbe Éderson alla Continassa",
  "il Newcastle su Khéphren Thuram";
- FORMER, a past club: "ex Fiorentina", "cresciuto nel vivaio dei Colchoneros",
  "arrivato dal Borussia Mönchengladbach", "ceduto al Bayern nel 2019";
- OPPONENT, the other side of a match: "una doppietta contro il Sassuolo";
- NEUTRAL otherwise (the caller treats a neutral club in a sentence with a stage cue as
  the buyer: "il Milan ha avviato i contatti ...").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache

SELLER, COUNTERPART, BUYER, FORMER, NEUTRAL = "seller", "counterpart", "buyer", "former", "neutral"
OPPONENT = "opponent"  # the other side of a match: "contro il Sassuolo", "il prossimo
# avversario è proprio l'Atalanta", "against Roma"
_AGAINST = re.compile(
    r"(?:\b(?:contro|against|versus|vs\.?)\s*(?:(?:il|lo|la|l'|i|gli|le)\s*)?|"
    # "affronterà la Roma"; "il prossimo avversario è proprio l'Atalanta"
    r"\baffront(?:a|ano|erà|eranno|are)\s+(?:il|lo|la|l'|i)\s*|"
    r"\bavversari[oa]\b[^.;:]{0,40}?\b(?:è|sarà|sono|saranno)\s+(?:proprio\s+|ancora\s+)?"
    r"(?:il|lo|la|l'|i)\s*|"
    # a player who warns or dares a club speaks of a match: "Rossi avvisa la Samp",
    # "Rossi sfida il Genoa"
    r"\b(?:avvisa|avvisano|avverte|avvertono|sfida|sfidano|lancia la sfida a)\s+"
    r"(?:il|lo|la|l'|i|al|alla|allo|all'|ai)\s*)$",
    re.IGNORECASE,
)

_DEL = r"(?:del|dello|della|dell'|dei|degli|delle|di)\s*"
_AL = r"(?:al|allo|alla|all'|ai|agli|alle|a|ad|in)\s*"

PLAYER_ROLES = (
    r"giocator[ei]|calciator[ei]|attaccant[ei]|centravanti|punt[ae]|bomber|centrocampist[ai]|regist[ai]|"
    r"median[oi]|trequartist[ai]|estern[oi]|ala|ali|terzin[oi]|lateral[ei]|difensor[ei]|central[ei]|portier[ei]|"
    r"talent[oi]|gioiellin[oi]|gioiell[oi]|fantasist[ai]|"
    r"mezzal[ae]|jolly|capitano|numero \d+|perno|pilastro|"
    r"fratello|figlio|classe \d{4}"
)
NATIONALITIES = (
    r"argentin[oa]|olandese|frances[ei]|serb[oa]|ingles[ei]|brasilian[oa]|colombian[oa]|nigerian[oa]|ucrain[oa]|"
    r"tedesc[oa]|spagnol[oa]|portoghes[ei]|belga|croat[oa]|turc[oa]|polacc[oa]|danes[ei]|svedes[ei]|norveges[ei]|"
    r"american[oa]|statunitense|ivorian[oa]|senegales[ei]|marocchin[oa]|algerin[oa]|camerunense|ghanese|"
    r"uruguaian[oa]|cilen[oa]|messican[oa]|giappones[ei]|corean[oa]|georgian[oa]|albanes[ei]|kosovar[oa]|"
    r"montenegrin[oa]|sloven[oa]|slovacc[oa]|cec[oa]|austriac[oa]|svizzer[oa]|scozzes[ei]|gallese|irlandes[ei]|"
    r"canades[ei]|australian[oa]|grec[oa]|russ[oa]|ruman[oa]|rumen[oa]|ungheres[ei]|bulgar[oa]|bosniac[oa]|"
    r"macedone|egizian[oa]|tunisin[oa]|ecuadorian[oa]|venezuelan[oa]|paraguaian[oa]|peruvian[oa]|italian[oa]|"
    r"islandes[ei]|finlandes[ei]|israelian[oa]|iranian[oa]|malian[oa]|guineano|gabones[ei]|congoles[ei]|"
    r"capoverdian[oa]|angolan[oa]|sudafrican[oa]|neozelandes[ei]|norvegese|lituan[oa]|letton[ea]|eston[ea]|"
    r"armen[oa]|azer[oa]|kazak[oa]|uzbek[oa]|slavo|sudamerican[oa]|africano|nordafricano"
)
_ANAPHOR = re.compile(
    rf"\b(?:il|lo|la|l'|dell'|del|al|all'|sull'|sul|per il|"
    rf"per l')\s*(?:{PLAYER_ROLES}|{NATIONALITIES})\b",
    re.IGNORECASE,
)

_FORMER_BEFORE = re.compile(
    rf"(?:\b(?:ex|l'ex|dell'ex|all'ex)\s+(?:(?:{PLAYER_ROLES})\s+)?(?:{_DEL})?$|"
    r"\b(?:cresciut|arrivat|prelevat|acquistat|esplos|esordit|passat|cedut|preso|presa|lanciat|"
    r"esperienz[ae]|parentesi|"
    r"ha giocato|ha vestito|aveva vestito|ha militato|"
    r"ai tempi|stagioni|anni|trascors)\w*\b[^.;:,]{0,40}$)",
    re.IGNORECASE,
)
_PAST_CLAUSE = re.compile(
    r"\b(?:nel|nell'|del|dell'|estate|gennaio|stagione)\s+(?:del\s+)?(?:19|20)\d\d\b|"
    r"\b(?:un|una|due|tre|quattro|cinque|alcune|alcuni|qualche|\d+) (?:estat[ei]|stagion[ei]|"
    r"ann[oi]) fa\b|\bin passato\b",
    re.IGNORECASE,
)
_PAST_VERB = re.compile(
    r"\b(?:ha|aveva|avevano|hanno|è|era|erano)\s+(?:\w+\s+)?\w+(?:ato|ata|ito|ita|uto|uta|ati|iti)\b|"
    r"\bcedut|\barrivat|\bpagat|\bspes[oa]\b|\bcresciut|\besordit|\bpassat",
    re.IGNORECASE,
)



def presented_of(words: str) -> str:
    """A pattern of text ending on a player presented by one of `words` (an alternation)
    and the article of his club's name: "il centrocampista del [Genoa]", "l'attaccante
    brasiliano dello [Spezia]"."""
    return rf"\b(?:{words})\b(?:\s+[a-zà-ù]+){{0,2}}?\s+{_DEL}$"


# text ending on "del", "della", "dell'"... : what comes next is of the club named there
ENDS_ON_OF = re.compile(rf"\b{_DEL}$", re.IGNORECASE)
_SELLER_BEFORE = re.compile(
    rf"(?:{presented_of(f'{PLAYER_ROLES}|{NATIONALITIES}')}|"
    rf"\b(?:in uscita|via|lontano|fuori)\s+(?:da|dal|dalla|dallo|dall'|dai)\s*$|"
    rf"\b(?:lasciare|lasciato|lasciar|addio|saluta\w*)\s+(?:il|la|lo|l'|i|gli|al|alla|all'|{_AL})?\s*$|"
    rf"\b(?:restare|resterà|rimanere|rimarrà|resta|rimane|oggi|"
    rf"gioca|giocava|in forza|spazio|di proprietà|concentrat[oa]|"
    rf"riscattato|tesserato)\s+(?:(?:poco|più|"
    rf"tanto)\s+)?(?:{_AL}|{_DEL}|nel|nella|con il|con la)?\s*$|"
    rf"\b(?:prestito|cessione|arrivo|acquisto)\s+(?:\w+\s+)?(?:dal|dalla|dallo|dall'|dai|da)\s*$|"
    rf"\b(?:risoluzione|rescissione)\s+(?:\w+\s+)?(?:del contratto\s+)?(?:con|col)\s+"
    rf"(?:il|la|lo|l'|i)?\s*(?:(?:club|società)\s+)?$|"
    rf"\b(?:valutazione|richiest[ae]|valutat[oa]|muro|prezzo|pretese)\s+(?:\w+\s+)?(?:fissat[oa]\s+)?(?:dal|dalla|dallo|dall'|dai|{_DEL})?\s*$|"
    r"\bin casa\s+(?:di\s+|del\s+|della\s+)(?=$))",
    re.IGNORECASE,
)
_LEAVING_BEFORE = re.compile(
    r"\b(?:in uscita|via|lontano|fuori|lasciare|lasciato|lasciar|"
    r"addio|saluta\w*)\s+(?:da|dal|dalla|dallo|dall'|dai|"
    r"il|la|lo|l'|i|gli|al|alla|all')?\s*$",
    re.IGNORECASE,
)
_FROM = re.compile(r"(?:^|\s)(?:dal|dalla|dallo|dall'|dai|dagli|from)\s*$", re.IGNORECASE)
# the club that says yes to a move is the one that lets him go: "il via libera del Genoa"
_YES_OF = re.compile(r"\b(?:via libera|l'ok)\s+(?:del|della|dello|dell'|dei|di)\s*$",
                     re.IGNORECASE)
# one step from a club is its way in, not out: "Rossi è a un passo dal Torino"
_STEP_FROM = re.compile(r"\bad? un passo (?:dal|dalla|dallo|dall'|dai|dagli)\s*$",
                        re.IGNORECASE)
_COUNTERPART_BEFORE = re.compile(
    r"\b(?:contatt\w*|trattativ\w*|tratt\w*|dialog\w*|colloqui\w*|accordo|intesa|sondaggio|confronto|summit|"
    r"incontro|interlocuzione|offerta|proposta|rilancio|chiest\w*|chied\w*|presentat\w*|recapitat\w*|inviat\w*|"
    r"bussa\w*|porta|strappar\w*|convincere|si parlano|formula|dettagli|discorsi|"
    r"distanza|distanze|asse|tavolo)\b[^.;:]{0,40}?"
    r"(?<!\w)(?:con(?:\s+(?:il|la|lo|l'|i|gli|le))?|al|allo|alla|all'|ai|agli|alle|a|del|dei|della|"
    r"dello|dell'|degli)\s*$|"
    # English: "agree a deal with Chelsea", "in talks with Genoa"
    r"\b(?:talks|agree\w*|deal|negotiat\w*|terms|contact)\b[^.;:]{0,40}?\bwith\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_SELLER_AFTER = re.compile(
    r"^[^.;:]{0,60}?\b(?:ceder\w*|cede|cedono|cessione|(?:ha|hanno) (?:\w+ )?(?:ceduto|venduto)|"
    r"privar\w*|vender\w*|svender\w*|lasciar(?:lo|la)? partire|"
    r"liberar(?:lo|la|e)|monetizzar\w*|fare cassa|incassar\w*|(?:fa|fare|farà|fanno) sconti|sconto|"
    r"chied\w* (?:almeno |circa |non meno di )?\d|"
    r"valut\w* (?:\w+\s+){0,2}(?:circa |intorno ai |almeno |sui )?\d|"
    r"attribuisc\w* [^.]{0,30}valore|apr\w* (?:alla cessione|"
    r"al prestito|all'addio)|trattener\w*|restii|"
    r"fretta di vendere|fissa\w* il prezzo|incedibile|"
    r"non (?:vuole|intende) (?:perder|privar|ceder)|"
    r"considera\w* [^.]{0,30}(?:pilastro|incedibile|titolare)|valuterà l'offerta|"
    r"valuta la proposta|ha rifiutato|respinge|non ha (?:ancora )?risposto|"
    r"non (?:ha|hanno) mai accettato|andranno|incasser\w*|riceverà|"
    r"riceverebbe|percepisc\w*|guadagna|"
    r"(?:ha |hanno )?concess\w* (?:il |l')?(?:permesso|nulla osta|via libera)|"
    r"concede\w* (?:il |l')?(?:permesso|nulla osta))",
    re.IGNORECASE,
)
_BUYER_BEFORE = re.compile(
    rf"(?:\b(?:mirino|obiettiv[oi]|lista|idea|sogno|radar|taccuino|preferito|pallino|interesse|offerta|"
    rf"sondaggio|sondaggi|tentativo|blitz|interessamento|avances|"
    rf"proposta|rilancio|pressing|affondo|assalto|corsa|inseriment\w*|osservatori|scout|chiamata|"
    rf"richiamo|corte|priorità)\s+(?:\w+\s+)?{_DEL}$|"
    rf"\b(?:piace|piacerebbe|piaceva|gradit[oa]|vicin\w*|promess[oa]|destinat[oa]|accostat[oa]|"
    rf"trasferimento|trasferirsi|trasferirà|passaggio|approdo|ritorno|tornare|torna|tornerebbe|verso|"
    rf"direzione|destinazione|sbarca|volare|vestire|vestirà|indossare|rinforzo|rinforzare)\s+(?:\w+\s+){{0,2}}?"
    rf"(?:{_AL}|{_DEL}|la maglia\s+(?:{_DEL})?|il|la|lo|l'|nel|nella)?\s*"
    rf"(?:(?:tecnico|club|società|dirigenza|ds|allenatore|presidente|squadra|mondo)\s+)?$|"
    rf"\b(?:nuovo\s+(?:giocatore|calciatore|acquisto)|(?:è|sarà|diventa|diventerà)\s+(?:un\s+)?(?:giocatore|calciatore)?)\s*{_DEL}$|"
    rf"\b(?:è|e'|sarà)\s+{_DEL}$|"
    # English: personal terms are the player's with the club that buys him ("Rossi has
    # agreed personal terms with Genoa"), not with the one selling
    r"\bpersonal terms\s+with\s+(?:the\s+)?$|"
    rf"\b(?:(?:ri)?port(?:erebbe|erebbero|are|erà|ato|a)\s+(?:(?-i:[A-ZÀ-Þ])[\w'-]*\s+){{1,3}}|(?:ri)?portarl[oa]\s+){_AL}$)",
    re.IGNORECASE,
)
# English: "Real Madrid defender Rudiger", "Bologna's €40m striker Castro": the club he
# plays for, written before his role and name
EN_PLAYER_ROLES = (
    r"defender|centre-back|center-back|full-back|fullback|right-back|left-back|midfielder|"
    r"playmaker|winger|forward|striker|attacker|goalkeeper|keeper|star|captain|youngster|"
    r"wonderkid|talent|teenager|player"
)
_EN_SELLER_AFTER = re.compile(
    rf"^(?:'s|’s)?\s+(?:(?:€|£|\$)\d+(?:[.,]\d+)?m\s+|(?!(?:and|or|to|in|of|with)\b)[\w-]+\s+)?"
    rf"(?:{EN_PLAYER_ROLES})\s+(?-i:[A-ZÀ-Þ])",
    re.IGNORECASE,
)
# "al Bologna andrebbe Sohm", "alla Roma finirebbe Rossi": the club he would go to, named
# before the verb and the player
BUYER_AFTER = re.compile(
    r"^\s+(?:invece\s+)?(?:andrebbe|andrebbero|andrà|finirebbe|finirà|arriverebbe|arriverà|"
    r"approderebbe|approderà)\s+(?:(?:il|lo|la|l')\s*)?(?-i:[A-ZÀ-Þ])",
    re.IGNORECASE,
)
# a player who wins a club over is its target: "Rossi conquista tutti, soprattutto il
# Torino", "Rossi ha stregato il Genoa" (a club he plays for is dropped by the caller)
_WON_OVER = re.compile(
    r"\b(?:conquista|conquistano|ha conquistato|strega|stregano|ha stregato|incanta|"
    r"ha incantato|ammalia|ha ammaliato)\b[^.;:]{0,30}?(?<!\w)(?:il|lo|la|l'|i)\s*$",
    re.IGNORECASE,
)
# the seller's announcement: "il Genoa ha ceduto Rossi al Lecce" - the club he goes to
# (unless a date puts the sale in the past)
# the seller's announcement: "il Genoa ha ceduto Rossi al Lecce", "Rossi è stato ceduto al
# Lecce", "Genoa: ceduto Rossi al Lecce" - the club he goes to (unless a date puts the sale
# in the past)
_SOLD_TO = re.compile(
    r"(?:\b(?:ha|hanno)\s+(?:appena\s+|ufficialmente\s+)?(?:ceduto|venduto)\b[^.;:]{0,40}?|"
    r"\b(?:è|e'|sono)\s+(?:stat[oaie]\s+)?(?:ufficialmente\s+)?(?:cedut|vendut)[oaie]\s+"
    r"(?:(?:a titolo definitivo|in prestito|a titolo temporaneo)\s+)?|"
    r"(?:^|[:–-])\s*(?:cedut|vendut)[oaie]\s+(?:(?-i:[A-ZÀ-Þ])[\w'-]*\s+){1,3})"
    r"(?<!\w)(?:al|allo|alla|all'|ai|agli)\s*$",
    re.IGNORECASE,
)
# a signing reported done names the club he leaves: "il Torino ha preso Rossi dal Genoa",
# "Rossi è arrivato dal Genoa" (an aside without the auxiliary, "Rossi, arrivato dal Genoa,
# ...", is his career)
_BOUGHT_FROM = re.compile(
    r"\b(?:ha|hanno|è|e'|sono)\s+(?:stat[oaie]\s+)?(?:preso|presa|acquistat\w|prelevat\w|"
    r"arrivat\w)\b[^.;:,]{0,40}?(?<!\w)(?:dal|dalla|dallo|dall'|dai)\s*$",
    re.IGNORECASE,
)
_AT_CLUB_NOW = re.compile(r"\b(?:a|al|alla|all'|allo|in|nel|nella)\s*$", re.IGNORECASE)
_THERE_NOW = re.compile(
    r"^,?\s+(?:(?-i:[A-ZÀ-Þ])[\w'-]*\s+){0,3}(?:non\s+)?(?:sta\s+trovando|trova|ha\s+trovato|"
    r"gioca|sta\s+giocando|è\s+chiuso|vede\s+il\s+campo)\s+(?:(?:poco|pochissimo|più|molto|"
    r"sempre\s+meno)\s+)?(?:spazio|minuti|con\s+continuità|poco)",
    re.IGNORECASE,
)
_AL_END = re.compile(r"(?:^|\s)(?:al|allo|alla|all'|ai|agli)\s*$", re.IGNORECASE)
_AL_GAP = re.compile(rf"\s*{_AL}", re.IGNORECASE)
_COUNTERPART_VERB = re.compile(
    r"\b(?:chiest|chied|strapp|soffi|prelev|acquist|prender|riscatt|offert|propost|"
    r"pagar|pagat|cedere|ceduto)\w*\b[^.;:]{0,30}$",
    re.IGNORECASE,
)
_PLAYER_AL = re.compile(rf"^\s*(?:{_AL}|in\s+)$", re.IGNORECASE)
# between a club and the player it is on: "il City su Cambiaso", "l'Inter è forte
# sull'ex Milan Kessié" (case-sensitive where it reads the name)
ON_GAP = (r"\s+(?:(?:è|sono)(?:\s+(?:forte|forti|già|anche|ancora))?\s+|fa\s+|fanno\s+)?"
          r"su(?:ll')?\s*(?:ex\s+[A-ZÀ-Þ][\w'-]*\s+)?")
ON_PLAYER = re.compile(ON_GAP)
_ON_PLAYER = re.compile(rf"^(?:\s+e\s+\S+)?{ON_GAP}(?<=\s|')[A-ZÀ-Þ]")


@dataclass(frozen=True)
class Where:
    """One club mention in its sentence, as the direction rules read it."""

    sentence: str
    start: int
    end: int
    gap: str | None  # the text from a player's name right before the mention, if any
    nickname: bool  # the mention is a colour adjective or a periphrasis ("in azzurro")

    @cached_property
    def before(self) -> str:
        return self.sentence[max(0, self.start - 70) : self.start]

    @cached_property
    def after(self) -> str:
        return self.sentence[self.end : self.end + 90]

    @cached_property
    def clause_before(self) -> str:
        """What precedes the mention back to the last full stop, colon or semicolon."""
        return re.split(r"[.;:!?]", self.before)[-1]

    @cached_property
    def comma_before(self) -> str:
        return re.split(r"[,.;:!?]", self.before)[-1]

    @cached_property
    def comma_after(self) -> str:
        return re.split(r"[,.;:!?]", self.after)[0]


@dataclass(frozen=True)
class Rule:
    """A pattern of the language: when `test` holds, the club is `role`."""

    role: str
    test: Callable[[Where], object]
    example: str  # an invented sentence, the club mention in brackets


_STAY = re.compile(
    r"\b(?:sta|stare|resta\w*|rimane\w*|rimaner\w*|gioca\w*|bene|felice|anni|stagion\w*|"
    r"continua\w*)\b[^.;:]{0,20}$",
    re.IGNORECASE,
)
_IN = re.compile(r"\bin\s+$")
_OFFER_AFTER = re.compile(r"^[^.;:]{0,25}\b(?:offerta|proposta)\b", re.IGNORECASE)

# The direction rules, in the order they are tried: the first that holds gives the role.
# Order matters where two patterns meet: a seller's announcement of a sale comes before the
# past-club words ("ha ceduto"), a past club and a match before any other reading, a name
# tied to the club ("Rossi del Genoa", "Rossi al Genoa") before the words around them.
RULES: tuple[Rule, ...] = (
    Rule(BUYER, lambda w: _SOLD_TO.search(w.clause_before) and not _PAST_CLAUSE.search(w.sentence),
         "Ufficiale, il Torino ha ceduto Rossi al [Genoa]"),
    Rule(SELLER, lambda w: _BOUGHT_FROM.search(w.clause_before)
         and not _PAST_CLAUSE.search(w.sentence),
         "il Torino ha preso Rossi dal [Genoa]"),
    Rule(FORMER, lambda w: _FORMER_BEFORE.search(w.clause_before),
         "Rossi, cresciuto nel vivaio del [Genoa], piace al Torino"),
    Rule(OPPONENT, lambda w: _AGAINST.search(w.clause_before),
         "una doppietta contro il [Sassuolo]"),
    # a date in the past speaks of the comma-clause it is in
    Rule(FORMER, lambda w: _PAST_CLAUSE.search(
        w.comma_before + w.sentence[w.start : w.end] + w.comma_after)
        and _PAST_VERB.search(w.comma_before + w.comma_after),
         "nel 2019 Rossi ha firmato con il [Lecce], oggi gioca nel Torino"),
    Rule(SELLER, lambda w: w.nickname and _IN.search(w.before) and _STAY.search(w.before),
         "Rossi sta bene in [rossoblù]"),
    Rule(BUYER, lambda w: w.nickname and _IN.search(w.before),
         "Rossi si trasferirà in [granata]"),
    Rule(COUNTERPART, lambda w: w.gap is not None and _AL_GAP.fullmatch(w.gap)
         and _COUNTERPART_VERB.search(w.before[: len(w.before) - len(w.gap)][-45:]),
         "il Torino ha chiesto Rossi al [Genoa]"),
    Rule(SELLER, lambda w: w.gap is not None
         and re.fullmatch(rf"\s*{_DEL}", w.gap, re.IGNORECASE),
         "Rossi del [Genoa] piace al Torino"),
    Rule(BUYER, lambda w: w.gap is not None and _PLAYER_AL.match(w.gap),
         "Rossi al [Torino]?"),
    Rule(BUYER, lambda w: w.gap is not None and re.fullmatch(r"\s*[-–]\s*", w.gap),
         "Rossi-[Torino], ci siamo"),
    Rule(BUYER, lambda w: BUYER_AFTER.match(w.after) and _AL_END.search(w.before),
         "al [Torino] andrebbe Rossi"),
    Rule(SELLER, lambda w: _EN_SELLER_AFTER.match(w.after),
         "[Genoa] striker Rossi"),
    Rule(SELLER, lambda w: _LEAVING_BEFORE.search(w.clause_before),
         "Rossi è destinato a lasciare il [Genoa]"),
    Rule(BUYER, lambda w: _BUYER_BEFORE.search(w.clause_before),
         "Rossi nel mirino del [Torino]"),
    Rule(BUYER, lambda w: _STEP_FROM.search(w.clause_before),
         "Rossi è a un passo dal [Torino]"),
    Rule(SELLER, lambda w: _YES_OF.search(w.clause_before),
         "Rossi al Torino, c'è il via libera del [Genoa]"),
    Rule(BUYER, lambda w: _WON_OVER.search(w.clause_before),
         "Rossi conquista tutti, soprattutto il [Torino]"),
    Rule(SELLER, lambda w: _SELLER_BEFORE.search(w.clause_before),
         "il centrocampista del [Genoa]"),
    Rule(BUYER, lambda w: _ON_PLAYER.match(w.after),
         "il [Torino] su Rossi"),
    Rule(SELLER, lambda w: _AT_CLUB_NOW.search(w.before) and _THERE_NOW.match(w.after),
         "A [Genova] Rossi trova poco spazio"),
    Rule(SELLER, lambda w: _SELLER_AFTER.match(w.after) and not _OFFER_AFTER.match(w.after),
         "il [Genoa] chiede 20 milioni per Rossi"),
    Rule(COUNTERPART, lambda w: _COUNTERPART_BEFORE.search(w.clause_before),
         "il Torino ha avviato i contatti con il [Genoa] per Rossi"),
    Rule(SELLER, lambda w: _FROM.search(w.clause_before),
         "Rossi arriva dal [Genoa]"),
)


@lru_cache(maxsize=8192)
def club_role(
    sentence: str, start: int, end: int, gap_from_player: str | None, nickname: bool
) -> str:
    """The role of the club mention sentence[start:end] for the player in focus: the role
    of the first rule of RULES that holds, NEUTRAL when none does.

    `gap_from_player`: the few characters between a player's name and the mention, when
    the name is right before it (" all'" in "Thuram all'Arsenal", " del " in "Gomez del
    Liverpool"); None otherwise. `nickname`: the mention is a colour adjective or a
    periphrasis ("in azzurro").
    """
    where = Where(sentence, start, end, gap_from_player, nickname)
    for rule in RULES:
        if rule.test(where):
            return rule.role
    return NEUTRAL


_EPITHET = re.compile(
    rf"\b(?:il|lo|l'|dell'|del|al|all'|sull'|sul|per il|per l')\s*(?:(?:{PLAYER_ROLES})\s+)?"
    rf"({NATIONALITIES})\b",
    re.IGNORECASE,
)


def epithets(text: str, start: int, end: int) -> list[str]:
    """The nationalities text[start:end] refers to a player by ("l'olandese", "l'attaccante
    francese"), as comparable stems."""
    return list(_epithets(text[start:end]))


@lru_cache(maxsize=4096)  # asked again for the same clause, player after player
def _epithets(span: str) -> tuple[str, ...]:
    return tuple(m.group(1).lower()[:-1] for m in _EPITHET.finditer(span))


def anaphor_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of "il centrocampista", "l'olandese", ... in text[start:end]."""
    return [(a + start, b + start) for a, b in _anaphors(text[start:end])]


@lru_cache(maxsize=4096)
def _anaphors(span: str) -> tuple[tuple[int, int], ...]:
    return tuple((m.start(), m.end()) for m in _ANAPHOR.finditer(span))
