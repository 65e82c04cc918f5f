"""Stages: how far along a move is, in the vocabulary of Italian transfer journalism.

Owns the stage cues (see /work/shared/research/outlets.md for the vocabulary), the deal
shapes (prestito, diritto / obbligo di riscatto, parametro zero, scambio), hedging (the
journalistic conditional, "si dice", "indiscrezione") and the article kinds that carry no
claim at all (match reports).

`stage_cues(folded_clause)` returns the cues of one clause, already filtered:
- negated cues are dropped ("i contatti non sono ancora partiti", "nessuna offerta");
- hypothetical ones are dropped for the advanced stages ("davanti a un'offerta
  importante potrebbero aprire", "se dovesse arrivare la fumata bianca");
- planned ones are dropped for medical and official ("le visite mediche sono previste
  a inizio gennaio", "l'annuncio ufficiale è atteso");
- cues after "dopo" ("dopo il sondaggio", "dopo la smentita") are marked `past`: the
  article mentions them as history, the caller uses them only when nothing else is said;
- renewals ("rinnovo", "prolungamento") silence the whole clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .direction import NATIONALITIES, PLAYER_ROLES

ORDER = {"interest": 0, "talks": 1, "bid": 2, "agreement": 3, "medical": 4, "official": 5}
# A player presented by his role or age between a transfer verb and his name: "il Genoa
# vuole il giovane Rossi", "il Lecce chiude per l'attaccante classe 2005 Bianchi".
_PRESENTED = rf"(?:il|lo|la|l')\s*(?:(?:giovane|{PLAYER_ROLES}|{NATIONALITIES})\s+){{1,2}}"
# What a phrase shared with match and injury news is about when it is the market's: a
# player's name (or a player presented by role), or the deal - "accelera per Rossi",
# "accelera per l'acquisto di Rossi" - not "per il rientro di Rossi", "la formazione"
_DEAL_OBJECT = (rf"(?:(?:{_PRESENTED})?(?-i:(?=[A-ZÀ-Þ]))|(?:l'acquisto|l'arrivo|l'affare|"
                r"l'operazione|la trattativa|il colpo|la cessione|il trasferimento|il prestito|"
                r"la pista|l'ipotesi|il nome|lo scambio|i dettagli|gli ultimi dettagli|"
                r"l'ingaggio|il ritorno di|portare|prendere|chiudere)\b)")
NEGATIVE = ("denied", "collapsed")

_CUES: dict[str, str] = {
    "interest": r"sondagg\w*|sondat[oaie]|\bidea\b|obiettiv[oi]|"
    r"\bpiac(?:[ei]\w*|ciono)\b|(?:due|tre|quattro|cinque|alcuni|diversi|vari) (?:nomi|profili|"
    r"candidati|obiettivi)\b|interess(?:e|a|ano|ato|ati|amento)\b|suggestion\w*|"
    r"\bpista\b|ipotesi|nome nuovo|nel mirino|(?:mess[oi]|mette(?:re)?) gli occhi|"
    r"\bpens[aoi]\w* (?:a|ad) (?-i:(?=[A-ZÀ-Þ]))|(?<!\bun )\bsogn(?:o|a|ano|ava|avano|ato)\b|"
    r"chiest[oi] informazioni|chiede(?:re)? informazioni|"
    r"\bsegu(?:e|ire|ono|iva)\b|seguit[oaie]|monitor\w*|in cima alla lista|nella lista|"
    r"torna(?:to|ta)? alla carica|si inserisce|inseriment\w*|\brivuole\b|pallino|fa sul serio|"
    r"fare sul serio|fanno sul serio|stann?o valutando|starebbe(?:ro)? valutando|"
    r"\bcandidat\w*|(?:primo|nuovo) nome|radar|osservat[oi] speciale|profilo (?:ideale|giusto)|"
    r"\bassalto\b|torn\w* di moda|corteggiament\w*|farsi sotto|sul taccuino|individuat[oi]|"
    # fan sites' phrasing: "nell'occhio di Mirabelli", "la Juventus si allontana" (the
    # rumour lives on, cooling)
    r"nell'occhio (?:di|del|della|dei)\b|\bsi allontan(?:a|ano)\b|"
    # the lead of a club's shortlist: "Rossi in pole per il Torino", "Rossi supera tutti:
    # il Genoa sceglie lui", "il Lecce batte la concorrenza per Bianchi"
    r"\bin pole\b|\b(?:supera|superano|batte|battono) (?:tutti|la concorrenza)\b|"
    # a name gaining ground: "Genoa, prende quota Rossi", "ritorno di fiamma per Bianchi",
    # "il prescelto è Rossi", "sorpasso su Bianchi" (overtaking the other suitors)
    rf"\bprende(?:re)? quota (?:{_DEAL_OBJECT})|\britorno di fiamma\b|\bprescelt[oa]\b|"
    r"\bsorpasso (?:su|per) (?-i:(?=[A-ZÀ-Þ]))|"
    # buying out a player on loan: "la Salernitana vuole riscattare Kiyine"
    r"\briscatt(?:are|arlo|arla|erà|erebbe|eranno|erebbero)\b|"
    # headline verbs of a target: "il Tottenham vuole Fernandes", "Napoli torna su Keita",
    # "il Milan piomba su Rossi"
    r"\b(?:vuole|vogliono|rivogliono) (?:(?:il|lo|la|l') ?)?(?-i:(?=[A-ZÀ-Þ]))|"
    # ... or presented by role: "il Bologna punta il difensore Neri", "vuole il giovane Rossi"
    rf"\b(?:vuole|vogliono|rivogliono|punta|puntano) {_PRESENTED}(?-i:(?=[A-ZÀ-Þ]))|"
    r"\b(?:torna|tornano|piomba|piombano|piombare|punta|puntano|vira|virano) su(?:ll')? ?"
    r"(?-i:(?=[A-ZÀ-Þ]))|"
    # the suitors' race for a player: "il Genoa è avanti nella corsa a Rossi", "in corsa per
    # il giovane Bianchi", "Rossi entra nell'orbita del Lecce"; not for a title ("nella
    # corsa allo Scudetto", "in corsa per la salvezza")
    rf"\b(?:nella corsa (?:a|ad|per)|in corsa per) (?:{_PRESENTED})?(?!(?:Scudetto|Champions|"
    r"Europa|Conference|Coppa|Supercoppa|Serie|Pallone|Mondial|Olimpi|Premier|Liga)\b)"
    r"(?-i:(?=[A-ZÀ-Þ]))|"
    # a club's orbit, not the first team's or the national side's ("nell'orbita della
    # prima squadra")
    r"\bin orbita (?-i:(?=[A-ZÀ-Þ]))|"
    r"\bnell' ?orbita (?:del|della|dello|dell')\s*(?-i:(?=[A-ZÀ-Þ]))|"
    # trying for him: "il Genoa si muove per Rossi", "ci prova per Bianchi", "continua a
    # provarci per Rossi", "tenta Rossi", "un tentativo per Bianchi", "prova a prendere Rossi"
    rf"\bsi muov(?:e|ono)\s+per (?:{_PRESENTED})?(?-i:(?=[A-ZÀ-Þ]))|"
    rf"\b(?:ci (?:ri)?prov(?:a|ano)|(?:ri)?provarci) per (?:{_DEAL_OBJECT})|"
    r"\btent(?:a|ano)\s+(?-i:(?=[A-ZÀ-Þ]))|"
    rf"\btentativo (?:per (?:{_DEAL_OBJECT})|di prendere|di portare)|"
    # linked to him, knocking at the door: "Rossi accostato al Torino", "il Genoa bussa alla
    # porta del Lecce", "spunta il nome di Bianchi", "il Lecce ha chiesto Rossi", "vuole
    # fortemente Rossi" (not "valuta Rossi", a coach weighing his line-up too, nor "occhi su
    # Rossi", a preview's spotlight)
    r"\baccostat[oaie]\b|\bbuss(?:a|ano|ato|ata|are) alla porta\b|"
    r"\bspunta (?:(?:anche|ora|adesso|l'ipotesi|il nome di)\s+)*(?-i:(?=[A-ZÀ-Þ]))|"
    rf"\b(?:ha|hanno) chiesto (?:{_PRESENTED})?(?-i:(?=[A-ZÀ-Þ]))|"
    r"\b(?:vuole|vogliono) (?:fortemente|ancora|solo|soltanto|davvero) (?:(?:il|lo|la|l') ?)?"
    r"(?-i:(?=[A-ZÀ-Þ]))|"
    r"\bprov(?:a|ano|are) a (?:prendere|portare|strappare|acquistare)\b|"
    # English (Football Italia, wire copy): "in the race for", "targeting", "eyeing"
    r"\bin (?:the )?race for\b|\b(?:join|joined|enter|entered) the race\b|"
    # "Genoa are leading the race for Rossi", "have asked about Bianchi", "are weighing up a
    # move for Rossi", "have turned their attention to", "on Genoa's shortlist", "have
    # identified Rossi as a replacement"
    r"\b(?:lead|leads|leading|ahead in) the race for\b|"
    r"\b(?:have|has|had) (?:asked|enquired) about\b|"
    r"\bweigh(?:s|ing)?(?: up)? (?:a )?(?:move|bid|swoop)\b|"
    r"\bturn(?:ed|s|ing)? (?:their|its|his) attention to\b|\bshortlist(?:ed)?\b|"
    r"\bidentified (?-i:(?=[A-ZÀ-Þ]))|"
    r"\btarget(?:s|ing|ed)?\b|\beye(?:s|ing)\b|\bkeen on\b|\binterest(?:ed)? in\b|"
    r"\bmonitor(?:s|ing)\b|\blinked with\b|\bconsidering a move\b|"
    # "Genoa have enquired about Rossi", "made an enquiry for"
    r"\b(?:enquir|inquir)(?:ed|y|ies) (?:about|for|over)\b|\bmade an? (?:enquiry|inquiry)\b|"
    r"\b(?:want|wants|keen|plan|plans|hope|hopes) to sign\b|\bwants? (?-i:(?=[A-ZÀ-Þ]))|"
    r"\b(?:could|might|would) sign\b",
    "talks": r"contatt[oi]|contattat\w*|trattativ\w*|"
    # pressing for him: "il Genoa accelera per Rossi", "stringe i tempi per Bianchi",
    # "insiste per Rossi", "l'affondo per Bianchi", "tenta un nuovo affondo" (not an attack
    # down the wing: "un affondo sulla fascia"), "lavora per portare Rossi"
    rf"\baccelera(?:no|ta)?\s+(?:per|su) (?:{_DEAL_OBJECT})|"
    rf"\bstring(?:e|ono)\s+(?:i tempi\s+)?per (?:{_DEAL_OBJECT})|"
    rf"\binsist(?:e|ono)\s+per (?:{_DEAL_OBJECT})|\baffondo (?:decisivo |finale )?per\b|"
    r"\b(?:tenta|tentano|tentare) (?:un |il )?(?:nuovo |ultimo )?affondo\b|"
    r"\blavor(?:a|ano|ando)\s+per\s+(?:portare|prendere|chiudere)\b|"
    rf"\bsi lavora per (?:{_DEAL_OBJECT})|"
    # the details being settled: "il Genoa sta definendo l'acquisto di Rossi"
    rf"\bsta(?:nno)? definendo (?:{_DEAL_OBJECT})|"
    # closing or settling a player: "il Lecce intende chiudere Rossi", "sta per definire
    # il danese Bianchi"
    # (a club's wish to close him, not a defender's job of closing down a forward: "deve
    # chiudere Leao")
    rf"\b(?:intend\w*|vuole|vogliono|pront[oaie] a|prova(?:no)? a|cerca(?:no)? di|spera(?:no)? di|"
    rf"conta(?:no)? di|punta(?:no)? a|per) chiudere (?:{_PRESENTED})?(?-i:(?=[A-ZÀ-Þ]))|"
    rf"\bdefinire (?:{_PRESENTED})?(?-i:(?=[A-ZÀ-Þ]))|"
    r"\btratt(?:a|ano|are|ando|ato)\b|incontr[oi]\b|summit|"
    r"pressing|vicin(?:o|a|issimo|issima) (?:(?:alla|al|a)\s+|all')"
    r"(?!(?:casa|(?:la |sua |propria )?(?:famiglia|citta|città|terra)))|"
    r"ai dettagli|in chiusura|colloqui?o?|"
    # "Genoa, si complica la pista Rossi", "si complica per Bianchi" (still on; not "si
    # complica il recupero")
    r"\bsi complica(?:no)? (?:la pista|la trattativa|l'affare|l'operazione|il colpo|la corsa|"
    r"per)\b|"
    r"dialog\w*|confronto|si parlano|interlocuzion\w*|negoziat\w*|nel vivo|"
    r"(?:avviat[oaie]|intavolat[oaie]|aperto) (?:i |il |la |le )?(?:contatti|dialogo|trattativa)|"
    r"\bin (?:advanced )?talks\b|\btalks with\b|\bnegotiations?\b|\bnegotiating\b|"
    # "Genoa have made contact with Lecce", "held talks over Rossi"
    r"\bmade contact\b|\b(?:held|hold|holding) talks\b|"
    # English: "Genoa are closing in on Rossi", "close to signing", "on the verge of
    # joining", "nearing a move to", "pushing for"
    r"\bclos(?:e|es|ing) in on (?:(?:a|the) (?:deal|move|signing) (?:for|of) )?(?-i:(?=[A-ZÀ-Þ]))|"
    r"\bclose to (?:signing|joining|a deal|an agreement)\b|"
    r"\bon the verge of (?:signing|joining|completing)\b|"
    r"\bnearing (?:a |an )?(?:move|deal|agreement|switch|transfer)\b|"
    r"\bpush(?:es|ing)? (?:hard )?for (?-i:(?=[A-ZÀ-Þ]))|"
    # "la Fiorentina spinge per Fabbian", "affare avviato"
    r"\bsping(?:e|ono)\s+per\s+(?:(?:il|lo|la|l')\s*)?(?-i:(?=[A-ZÀ-Þ]))|"
    # closing in on a player: "il Genoa chiude per Rossi", "il Lecce sta per chiudere per il
    # giovane Bianchi" (done: "ha chiuso per", an agreement); not a place closing for the
    # holidays ("lo stadio chiude per Natale")
    rf"\bchiud(?:e|ono|ere)\s+per\s+(?:{_PRESENTED})?(?!natale|pasqua|ferragosto)"
    r"(?-i:(?=[A-ZÀ-Þ]))|\bchiud(?:e|ono|ere) il colpo\b|"
    # one step away: "il Genoa è a un passo da Rossi", "Rossi ad un passo dal Lecce" - not
    # from a goal, a win or a record ("a un passo dal gol")
    r"\bad? un passo (?:dall'|(?:da|dal|dallo|dalla|dai|dagli)\b)(?!\s*(?:gol|rete|vittori|"
    r"pareggi|salvezz|titol|scudett|final|record|tragu|sogn|primato|podio|baratr|"
    r"retrocession|promozion|qualificazion|ritiro|addio al calcio)\w*)|"
    r"(?:affare|operazione) avviat[oa]|"
    # the seller's yes waited for: "manca il via libera del Genoa", "si attende l'ok"
    r"\b(?:manca|attende|aspetta)\s+(?:(?:ancora|solo)\s+)?(?:il\s+via libera|l'ok)\b",
    # ("una vittoria sofferta" offers nothing)
    "bid": r"\boffert\w*|proposta|rilanci\w*|controfferta|"
    # the verb too, offering money, a contract or a player: "il Genoa offre 20 milioni",
    # "ne offre 15", "offre un quinquennale a Rossi", "offrirebbe Bianchi" - not "offre
    # l'assist" on the pitch
    r"\bne offr\w*|\boffr(?:e|ono|ire|irà|iranno|irebbe|irebbero)\s+(?:(?:circa|almeno|oltre|"
    r"quasi|fino a)\s+)?(?:\d|(?:\w+\s+)?milion|un (?:contratto|ingaggio|quinquennale|"
    r"quadriennale|triennale|biennale)|(?:(?:il|lo|la|l')\s*)?(?-i:[A-ZÀ-Þ]))|"
    "controproposta|(?:mette(?:re)?|mess[oi]|messo) sul piatto|"
    r"affonda(?:to)? il colpo|"
    r"\bbid\b|\b(?:an|first|second|new|improved|formal) offer\b|\btabled\b",
    "agreement": r"(?:accordo|intesa) (?:e'|è) (?:stat[oa] )?(?:raggiunt|"
    r"trovat)\w*|(?:accordo|intesa) (?:raggiunt|trovat)\w*|"
    r"(?:raggiunt|trovat)\w* (?:l'|un |un')?(?:accordo|"
    r"intesa)|c'e (?:l'|un |un')?(?:accordo|intesa)|"
    r"c'è (?:l'|un |un')?(?:accordo|intesa)|accordo (?:di massima|"
    r"totale|fatto)|intesa (?:di massima|totale)|"
    r"fumata bianca|affare fatto|\be' fatta\b|\bè fatta\b|"
    # the selling club's or the player's yes, given: "c'è il via libera del Genoa", "è
    # arrivato l'ok di Rossi", "Via libera alla cessione di Rossi" (a headline) - not one
    # to come ("prima di dare il via libera", "difficilmente daranno l'ok"), nor the
    # doctors' ("il via libera dei medici"); waited for ("manca il via libera"): talks
    r"(?:\b(?:c'è|c'e'|arriva|arrivato|è arrivato|(?:ha|hanno) dato)\s+(?:anche\s+)?"
    r"(?:il\s+via libera|l'ok)|^\W*via libera)\b(?! d[ae]i medici)|"
    # a deal settled: "tutto fatto per Rossi", "affare ormai definito", "definito l'arrivo
    # di Rossi al Genoa" (not yet: "non è ancora tutto definito", dropped as negated)
    r"\btutto fatto\b|\b(?:tutto|affare|operazione|trattativa)\s+(?:(?:è\s+)?(?:ormai|già)\s+)?"
    r"definit[oa]\b|\bdefinit[oa]\s+(?:l'arrivo|l'acquisto|l'affare|l'operazione|"
    r"il trasferimento|il passaggio)\b|"
    r"fatta per\b|(?:ha|hanno|avrebbe|avrebbero) chiuso per|"
    # secured: "il Genoa si assicura Rossi", "si è assicurato il giovane Bianchi" (not "la
    # salvezza"), "ha chiuso l'accordo per Rossi", "il Lecce piazza il colpo" (not "il
    # colpo di testa"), "Rossi vestirà la maglia del Genoa"
    rf"\bsi (?:è )?assicura(?:to|ta)?\s+(?:{_PRESENTED})?(?-i:(?=[A-ZÀ-Þ]))|"
    r"\b(?:ha|hanno) (?:\w+mente )?chiuso (?:l'accordo|l'affare|l'operazione|l'acquisto)\b|"
    r"\b(?:piazza|piazzano|piazzato|mette a segno|messo a segno) il colpo\b"
    r"(?!\s+d(?:i|el|ella|ello|ell')\b)|"
    r"\bvestirà (?:la maglia|i colori) (?:del|della|dello|dell'|di)\b|"
    # the player's yes: "Rossi ha detto sì al Genoa", "c'è il sì di Rossi", "Rossi dice sì
    # al Lecce"; "il no" is a collapse
    r"\b(?:ha|hanno|avrebbe|avrebbero) detto sì\b|\bdic(?:e|ono) sì\b|"
    r"\bil sì (?:di|del|dello|della|dell')\b|"
    # his future told as settled: "Rossi sarà un giocatore del Genoa", "sarà il nuovo
    # attaccante del Lecce"
    r"\bsarà (?:un|il) (?:nuovo )?(?:giocatore|calciatore|attaccante|difensore|"
    r"centrocampista|portiere|terzino|esterno) (?:del|della|dello|dell')\b|"
    r"chius[oa] (?:l'operazione|l'affare|la trattativa)|"
    r"manca solo (?:la firma|l'ufficialita|l'ufficialità|l'annuncio)|"
    r"si trasferira|si trasferirà|here we go|"
    r"\bagree(?:d|s)? (?:a )?(?:deal|terms|fee|personal terms)\b|"
    r"\b(?:set|poised|due) to (?:sign|join|complete)\b|"
    r"\bdeal (?:agreed|done|reached)\b|\breach(?:ed)? an agreement\b",
    "medical": r"visit[ae] medic[ah]\w*|test medici|idoneita|idoneità|\b(?:a|the|his) medical\b",
    "official": r"\be' ufficiale\b|\bè ufficiale\b|^\W*ufficiale\b|"
    "comunicato ufficiale|un nuovo (?:calciatore|giocatore)|"
    r"(?:ha|hanno) (?:gia )?(?:già )?(?:firmato|"
    r"sottoscritto)|benvenuto|(?:ha|hanno) annunciato(?! che\b| di non\b)|"
    r"lo ha annunciato|annuncia (?:l'arrivo|l'acquisto|l'ingaggio)|ufficializzat[oa]|"
    r"ufficialmente (?:un |il |l')?(?:nuovo )?(?:giocatore|"
    r"calciatore|[a-z]+(?:ner|ross|celest|azzurr|vol)\w*)|"
    r"comunica di aver (?:raggiunto|acquisito|perfezionato)|acquisizione[^.]{0,80}diritti|"
    # the contract lodged with the league: "il Genoa ha depositato il contratto di Rossi",
    # "contratto depositato in Lega"
    r"\b(?:ha|hanno) depositato (?:in Lega )?il contratto\b|\bcontratto depositato\b|"
    # a club's notice: "il Genoa comunica di essersi assicurato le prestazioni di Rossi"
    r"\bassicurat[oa] le prestazioni\b|"
    # a sale reported done: "il Genoa ha ceduto Rossi", "Rossi è stato ceduto al Lecce"
    r"\b(?:ha|hanno) (?:ufficialmente )?(?:ceduto|venduto) (?-i:(?=[A-ZÀ-Þ]))|"
    r"^\W*(?:cedut|vendut)[oaie] (?-i:(?=[A-ZÀ-Þ]))|"
    # a signing reported done: "il Genoa ha preso Rossi", "dal Lecce è arrivato il
    # difensore Rossi"
    rf"\b(?:ha|hanno) (?:preso|acquistato|acquisito|prelevato|tesserato|ingaggiato) "
    rf"(?:{_PRESENTED})?(?-i:(?=[A-ZÀ-Þ]))|"
    # "il Genoa si è preso Rossi" (not "la rivincita")
    rf"\bsi (?:è|sono) pres[oia] (?:{_PRESENTED})?(?-i:(?=[A-ZÀ-Þ]))|"
    r"\b(?:è|e') arrivat[oa] (?:(?:il|lo|l')\s*(?:[a-zà-ù]+\s+){0,2})?(?-i:(?=[A-ZÀ-Þ]))|"
    r"\b(?:è|e'|sono) stat[oaie] (?:ufficialmente )?(?:cedut|vendut)[oaie] "
    r"(?:(?:a titolo definitivo|in prestito) )?(?:al|alla|allo|all'|ai|agli)\b|"
    r"\bofficially (?:joined|signed|announced)\b|\bcompleted? the signing\b|"
    # "Rossi has joined Genoa on loan" (not "joined the race")
    r"\b(?:has|have) (?:officially )?joined (?-i:(?=[A-ZÀ-Þ]))|"
    # an English headline's present is a done deal: "Official: Milan sign Rossi", "Rossi
    # completes move to Genoa" (not "want to sign", "could sign", "will sign")
    r"^\W*official\b|(?<!\bto )(?<!\bcould )(?<!\bwould )(?<!\bwill )(?<!\bmight )"
    r"\b(?:sign|signs|signed) (?:(?:for|with) )?(?-i:(?=[A-ZÀ-Þ]))|"
    r"\bcomplete[sd]? (?:his |her |a |the )?(?:move|transfer|switch)\b|"
    r"\bannounce[sd]? the signing\b",
    # "smentire i detrattori" (prove the critics wrong) denies no move
    "denied": r"smenti\w*\b(?! (?:i|le|gli|tutti i) (?:suoi |propri )?(?:critic\w*|detrattori|"
    r"scettici|pronostici|dubbi))|nessun contatto|nessuna trattativa|"
    "nessun interesse|nessuna offerta ricevuta|"
    r"mai (?:stato|stata) (?:preso|presa) in considerazione|non ha mai lavorato|fake news|"
    r"notizia (?:priva di fondamento|falsa)|non (?:ha|hanno) alcun fondamento|"
    r"\bden(?:y|ies|ied)\b",
    # "salta la trasferta", "Rossi salta la Sampdoria": a match he misses, not a deal
    "collapsed": r"\bsalt(?:a|ata|ato|ano|ate)\b(?! (?:la|il|"
    "lo) (?:trasferta|partita|gara|sfida|turno|allenamento|"
    r"rifinitura|match)| (?:la|il|lo|l') ?(?-i:[A-ZÀ-Þ]))|"
    r"niente da fare|sfumat\w*|\bsfuma\b|tramontat\w*|"
    rf"\btramonta (?:{_DEAL_OBJECT})|naufrag\w*|archiviat\w*|"
    r"\barchivia\b|chiud\w* la porta|chius[oa] la porta|"
    r"porta chiusa|chiud\w* (?:di fatto )?la pista|"
    r"si chiude[^.]{0,40}pista|chiusa la pista|(?:ha|hanno) detto no|\bdice no\b|rifiutat[oa]|"
    r"\brifiuta\b|respint[oa]|frenata|stallo|"
    r"interromp\w* (?:i contatti|la trattativa)|interrott[oa]|"
    r"rottura|uscit[oa] dai radar|esce (?:così )?dalla lista|uscit[oa] di scena|fuori dai giochi|"
    # a suitor giving up: "il Genoa si tira indietro", "il Lecce molla Rossi", "dietrofront"
    r"\bsi (?:è |sono )?tirat[oaie] indietro\b|\bsi tira(?:no)? indietro\b|"
    r"\btirarsi indietro\b|\bdietrofront\b|\bmoll(?:a|ano)\s+(?-i:(?=[A-ZÀ-Þ]))|"
    r"non se ne fa (?:piu |più )?(?:nulla|niente)|(?:atto della|"
    r"netta|secca) chiusura|chiusura (?:netta|secca|definitiva)|"
    r"\bcollapsed\b|\bbroke down\b|\bfell through\b|\bpulled out\b|"
    # "Genoa have abandoned their pursuit of Rossi", "ended their interest", "walked away"
    r"\babandon(?:ed|s)? (?:their|its|the) (?:pursuit|interest|move|bid)\b|"
    r"\b(?:ended|end|ends|cooled) (?:their|its) interest\b|\bwalked away\b",
}
_COMPILED = {stage: re.compile(rx, re.IGNORECASE) for stage, rx in _CUES.items()}

_NEGATION = re.compile(
    r"\b(?:non|nessun[oa]?|né|ne'|senza|mai|alcun[oa]?)\b(?:\s+[\w']+){0,6}\s*$", re.IGNORECASE
)
# "i contatti ufficiali non sono ancora partiti": the negation comes after the cue
_NEGATED_AFTER = re.compile(
    r"^[\w\s']{0,30}?\bnon\s+(?:sono|è|e'|sarebbero|sarebbe|ci sono|risultano|risulta|ha|hanno)\s+"
    r"(?:ancora\s+|mai\s+)?(?:partit|avviat|arrivat|iniziat|stat|cominciat|pervenut)",
    re.IGNORECASE,
)
# "non ha smesso di pensare a", "non molla": a negation that means "still"
_CONTINUES = re.compile(
    r"\bnon\s+(?:ha|hanno)?\s*(?:mai\s+)?(?:smess[oi]|smette\w*|moll\w+|dimenticat\w*|"
    r"perso di vista)\b",
    re.IGNORECASE,
)
_NOT_YET = re.compile(
    r"\b(?:ancora|per ora|al momento|per il momento|almeno per ora|finora)\b", re.IGNORECASE
)
_HYPOTHETICAL = re.compile(
    r"\b(?:se\b|qualora|dovesse|dovessero|potrebb\w+|"
    r"\bpotr[aà]\b|pront[oi] a|dispost[oi] a|servirebb\w+|"
    r"\bservir[aà]\b|davanti a|in caso di|per convincere|soltanto|solo un'|potesse|eventual\w+|"
    r"disponibilit[aà] (?:del|della|dei|degli|a)\b|per capire|\bcapire\b|"
    r"if\b|could\b|would\b|might\b)",
    re.IGNORECASE,
)
# (word starts only: "attesi" is in "Frattesi")
_PLANNED = re.compile(
    r"\b(?:previst\w*|attes[oaie]\b|si attendono|organizzar\w*|calendario|verranno|sara\b|"
    r"sarà|saranno|"
    r"vol(?:e|a)r[aà]|prossim\w*|in programma|rest(?:a|ano) da|manca|\bpoi\b|entro|dovr\w+|potr\w+|"
    r"firmer\w+|sosterr\w+|effettuer\w+|verrebber?o?|"
    r"will\b|expected\b|scheduled\b|due to\b|set to\b|poised\b|to undergo\b)",
    re.IGNORECASE,
)
# A coordinated clause with its own subject ("i contatti proseguono e la prossima settimana
# potrebbe essere decisiva"): a conditional there does not make the first cue hypothetical.
_NEW_SUBJECT = re.compile(
    r"\s(?:e|ed)\s+(?=(?:il|lo|la|l'|i|gli|le|nei|nel|nella|in|a|per)\b)", re.IGNORECASE
)
# "rilanciare" is also to relaunch a player ("convinto di poterlo rilanciare"): not a bid.
_RELAUNCH = re.compile(
    r"\b(?:lo|la|li|le)\s+rilanci\w*|\w+rl[oaie]\s+rilanci\w*|rilanciarl[oaie]|"
    r"rilanci\w*\s+(?:la\s+(?:sua\s+)?carriera|il\s+giocatore|il\s+talento)",
    re.IGNORECASE,
)
# "si tratta (per ora) di un interesse": "it is a matter of", not "negotiating"
_SI_TRATTA_DI = re.compile(r"\bsi\s+tratta(?:\s+[\w']+){0,3}?\s+(?:di|d')", re.IGNORECASE)
# The kicker of a club's press-release page: it names the genre of the page, not a move.
_PAGE_LABEL = re.compile(
    r"\W*comunicat[oi]\s+(?:ufficial[ei]|stampa)(?:\s+(?:n\.?|del)\s*[\w/ .-]{0,20})?\W*",
    re.IGNORECASE,
)
_PAST = re.compile(
    r"\bdopo\s+(?:il|lo|la|i|gli|le|l'|un|una|un')?\s*(?:\w+\s+){0,2}$", re.IGNORECASE
)
# a date in the past: what is said there is history
_PAST_DATE = re.compile(
    r"\b(?:nel|nell'|estate|gennaio|stagione)\s+(?:del\s+)?(?:19|20)\d\d\b|"
    r"\b(?:un|una|due|tre|quattro|cinque|alcune|alcuni|qualche|\d+) (?:estat[ei]|stagion[ei]|"
    r"ann[oi]) fa\b|\bin passato\b|\b(?:la scorsa|nella scorsa) (?:estate|stagione)\b",
    re.IGNORECASE,
)
_RENEWAL = re.compile(
    r"rinnov\w*|prolung\w*|\bblindat\w*|\bcontract extension\b|\bextends?\b[^.]{0,30}\bcontract\b|"
    r"\bnew (?:contract|deal) (?:with|at)\b|\brenew(?:s|ed|al)?\b",
    re.IGNORECASE,
)
# News about a club's own player - a renewal, an injury, a retirement - is no move: the
# club it names is the one he plays for.
_SQUAD_NEWS = re.compile(
    r"rinnov\w*|prolung\w*|esami strumentali|report medico|\blesione\b|infortun\w*|"
    r"staff medico|iter riabilitativo|risentimento muscolare|ritir\w* dal calcio|"
    r"appende\w* gli scarpini al chiodo",
    re.IGNORECASE,
)
# A sentence that opens with a hypothesis: what follows it is its consequence.
_PROTASIS = re.compile(r"\W*(?:se|qualora|nel caso|in caso|nell'eventualità)\b", re.IGNORECASE)
_NOT_A_CUE = re.compile(r"si tratta di|contratto|maglia", re.IGNORECASE)
# a team's aim, not a club's target: "il nostro obiettivo è tornare in Europa", "obiettivo
# salvezza"
_AIM = re.compile(
    r"obiettiv[oi]\s+(?:(?:è|e'|sarà|resta|rimane|sono)\s+(?:\w+\s+)?\w+(?:are|ere|ire)\b|"
    r"(?:salvezza|scudetto|europa|champions|promozione|playoff|play-off|vittoria|"
    r"tre punti|punti)\b)",
    re.IGNORECASE,
)
_IDIOMS = re.compile(r"domanda e offerta|offerta formativa", re.IGNORECASE)

_HEDGES = re.compile(
    r"\b\w+(?:rebbe|rebbero)\b|\bsi dice\b|indiscrezion\w*|\bvoci\b|\brumors?\b|\bpare che\b|"
    r"\bsembra(?:no)? che\b|\bsi vocifera\b|\bnon è escluso\b|\bsecondo alcun[ei]\b",
    re.IGNORECASE,
)
_NOT_HEDGES = re.compile(r"\b(?:vorrebbe|vorrebbero)\b", re.IGNORECASE)

DEALS = (
    (
        "loan_obligation",
        re.compile(
            r"obblig\w* di riscatto|prestito con obbligo|titolo temporaneo con obbligo|"
            r"\bobligation to buy\b",
            re.IGNORECASE,
        ),
    ),
    (
        "loan_option",
        re.compile(
            r"diritto di riscatto|prestito con (?:diritto|opzione)|con riscatto|\boption to buy\b",
            re.IGNORECASE,
        ),
    ),
    ("swap", re.compile(r"\bscambi?o\b|contropartit\w*|operazione incrociata", re.IGNORECASE)),
    (
        "free",
        re.compile(
            r"parametro zero|svincolat\w*|a costo zero|\ba zero\b|\bfree (?:transfer|agent)\b|"
            r"\bon a free\b",
            re.IGNORECASE,
        ),
    ),
    (
        "loan",
        re.compile(
            r"prestito secco|\bin prestito\b|\bprestito\b|\bon loan\b|\bloan (?:deal|move)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "transfer",
        re.compile(r"titolo definitivo|cessione definitiva|acquisto definitivo", re.IGNORECASE),
    ),
)

_MINUTE = re.compile(r"\b(?:al|nel|dal)\s+\d{1,3}'")
_SCORELINE = re.compile(r"\b\d{1,2}\s*-\s*\d{1,2}\b")


@dataclass(frozen=True)
class Cue:
    stage: str
    start: int  # offset in the clause
    end: int
    past: bool = False  # "dopo il sondaggio": mentioned as history


@lru_cache(maxsize=4096)
def is_squad_news(sentence: str) -> bool:
    """A renewal, an injury, a retirement: the sentence ties a player to his own club."""
    return bool(_SQUAD_NEWS.search(sentence))


def opens_hypothesis(sentence: str) -> bool:
    """ "Se dovesse arrivare la fumata bianca, ...": the rest of the sentence is hypothetical."""
    return bool(_PROTASIS.match(sentence))


def is_page_label(paragraph: str) -> bool:
    """A paragraph that only labels the page ("Comunicato ufficiale") says nothing of a move."""
    return bool(_PAGE_LABEL.fullmatch(paragraph.strip()))


def _scope(clause: str, start: int, end: int) -> str:
    """The part of a clause a cue belongs to: cut where a coordinated clause with its own
    subject begins."""
    left = 0
    for m in _NEW_SUBJECT.finditer(clause, 0, start):
        left = m.end()
    right = _NEW_SUBJECT.search(clause, end)
    return clause[left : right.start() if right else len(clause)]


def stage_cues(clause: str, conditional: bool = False) -> list[Cue]:
    """The stage cues of one clause (text as written or folded), filtered as described in
    the module docstring.

    `conditional`: the clause is the consequence of a hypothesis stated earlier in its
    sentence ("Se dovesse arrivare la fumata bianca, lo scambio verrebbe ufficializzato").
    Cached: every step of an article asks about the same clauses."""
    return list(_stage_cues(clause, conditional))


@lru_cache(maxsize=8192)
def _stage_cues(clause: str, conditional: bool = False) -> tuple[Cue, ...]:
    if _RENEWAL.search(clause):
        return ()
    relaunch = [(m.start(), m.end()) for m in _RELAUNCH.finditer(clause)]
    idiom = [(m.start(), m.end()) for m in _SI_TRATTA_DI.finditer(clause)]
    cues: list[Cue] = []
    for stage, rx in _COMPILED.items():
        for m in rx.finditer(clause):
            before = clause[: m.start()]
            window = clause[max(0, m.start() - 40) : m.end() + 40]
            if stage in ("talks", "bid", "agreement", "interest") and (
                _NOT_A_CUE.match(clause, m.start()) or _AIM.match(clause, m.start())
            ):
                continue
            negated = _NEGATION.search(before[-60:]) and not _CONTINUES.search(before[-60:])
            if stage not in ("denied",) and (negated or _NEGATED_AFTER.match(clause[m.end() :])):
                if stage == "agreement" and _NOT_YET.search(before[-60:]):
                    # "le parti non hanno ancora trovato l'accordo": still negotiating
                    cues.append(Cue("talks", m.start(), m.end()))
                continue
            if any(a <= m.start() < b for a, b in relaunch + idiom):
                continue
            if (
                stage in ("collapsed", "denied")
                and m.group(0).lower().startswith(("nessun", "mai", "non")) is False
                and stage == "collapsed"
                and _NOT_YET.search(window)
            ):
                continue
            if (
                stage == "denied"
                and m.group(0).lower().startswith("nessun")
                and _NOT_YET.search(window)
            ):
                continue
            if _IDIOMS.search(clause[max(0, m.start() - 12) : m.end() + 10]):
                continue
            if stage in (
                "talks",
                "bid",
                "agreement",
                "medical",
                "official",
                "collapsed",
            ) and (conditional or _HYPOTHETICAL.search(_scope(clause, m.start(), m.end()))):
                continue
            if stage in ("medical", "official") and _PLANNED.search(
                _scope(clause, m.start(), m.end())
            ):
                continue
            if stage == "official" and _PAST_DATE.search(clause):
                continue  # "ceduto al Lecce nel 2019": his career, not today's deal
            if (
                stage == "interest"
                and m.group(0).lower().startswith("pista")
                and "si tratta di" in clause.lower()
            ):
                continue
            cues.append(Cue(stage, m.start(), m.end(), past=bool(_PAST.search(before[-30:]))))
    return tuple(sorted(cues, key=lambda c: c.start))


# Words every statement of a shape holds (lowercased): a text holding none of a shape's
# words cannot state it, and most sentences state no shape ("in prestito con diritto di
# riscatto" holds "riscatto"; "lo scambio Rossi-Bianchi" holds "scamb"). Searching the six
# patterns over every sentence and every move's sentences was a tenth of reading a page.
_DEAL_WORDS = {
    "loan_obligation": ("blig",),
    "loan_option": ("riscatto", "prestito con", "option to buy"),
    "swap": ("scamb", "contropartit", "operazione incrociata"),
    "free": ("zero", "svincolat", "free"),
    "loan": ("prestito", "loan"),
    "transfer": ("definitiv",),
}
# The only code points that match an ASCII letter ignoring case but do not lower to it
# (dotted and dotless I, long s): a text holding one is searched without the word test.
_ODD_CASE = frozenset("\u0130\u0131\u017f")


@lru_cache(maxsize=4096)
def deal_shape(text: str) -> str | None:
    """The deal shape stated in text, the most specific first."""
    lowered = text.lower() if _ODD_CASE.isdisjoint(text) else None
    for shape, rx in DEALS:
        words = _DEAL_WORDS.get(shape)
        if lowered is not None and words and not any(w in lowered for w in words):
            continue
        if rx.search(text):
            return shape
    return None


# Words every hedge holds (lowercased): "arriverebbe" holds "rebbe", "si vocifera" "voci".
# A text holding none is not hedged; the hedge pattern tries a word ending in "-rebbe" at
# every word of the text, the word test is a few substring searches.
_HEDGE_WORDS = (
    "rebbe", "si dice", "indiscrezion", "voci", "rumor", "pare che", "sembra", "non è escluso",
    "secondo alcun",
)


def is_hedged(text: str) -> bool:
    if _ODD_CASE.isdisjoint(text):
        lowered = text.lower()
        if not any(w in lowered for w in _HEDGE_WORDS):
            return False
    found = [m.group(0) for m in _HEDGES.finditer(text)]
    return any(not _NOT_HEDGES.fullmatch(f) for f in found)


# Titles of match coverage: line-ups, squads called up, ratings, where to watch. Their
# "rilancia", "sceglie", "punta su" speak of a team sheet, not of a transfer.
_MATCH_TITLE = re.compile(
    r"\b(?:probabili formazioni|formazioni ufficiali|le formazioni|la formazione|"
    r"i convocati|convocati per|le pagelle|pagelle\b|dove vedere|dove vederla|in tv\b|"
    r"in diretta|diretta live|highlights|tabellino|predicted line-?ups?|confirmed line-?ups?|"
    r"player ratings|top e flop|top & flop)\b",
    re.IGNORECASE,
)


def is_match_report(title: str, body: str) -> bool:
    """Match reports name many players and say "salta" and "offerta" in other senses; a
    title announcing line-ups, a squad call-up or ratings is match coverage too."""
    return (
        len(_MINUTE.findall(body)) >= 2
        or bool(_SCORELINE.search(title) and _MINUTE.search(body))
        or bool(_MATCH_TITLE.search(title))
    )
