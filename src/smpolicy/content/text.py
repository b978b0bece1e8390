"""The text checks: what in a post's words the policy stands against.

`check_text(text, school)` returns `TextFinding`s with offsets into the text as given (Unicode
code points), one per thing found. It decides nothing: the checker maps each finding to the
decisions contract's content flags and the engine gives the verdict (checker.py).

Each check is a few compiled patterns over the whole text. Checks that need a target (an
allegation needs someone it is about; a medical word is confidential when tied to a person;
criticism needs the school or its staff) look for that target in the same sentence, using the
names already found, the school's names and a list of school roles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from smpolicy.content.contact import find_emails, find_phones
from smpolicy.content.lexicon import lexicon
from smpolicy.content.names import Mention, tokenize
from smpolicy.content.school import SchoolContext

MAX_TEXT_CHARS = 100_000
_PLAIN_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"'})
_I = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class TextFinding:
    kind: str
    start: int
    end: int
    confidence: float
    category: str | None = None  # offensive: obscene | abusive | discriminatory | threat
    people: tuple[int, ...] = ()  # names: indexes into the school's NameIndex.people
    about: tuple[str, ...] = field(default=())  # decisions contract `content.about` values


# -- references: who or what a sentence is about ------------------------------------------------

ROLE_WORDS = (
    r"head ?teachers?|headmaster|headmistress|headteacher'?s|(?:deputy |assistant )?head|deputy"
    r"|teachers?|teaching assistants?|TAs?|caretakers?|site manager|cleaners?|governors?"
    r"|chair of governors|dinner lad(?:y|ies)|lunchtime supervisors?|SENCO|DSL|business manager"
    r"|office staff|receptionists?|school office|staff|SLT|senior leadership(?: team)?"
    r"|leadership(?: team)?|PE teacher|class teacher|school nurse|coach|the trust|academy trust"
)
_ROLE_REF = re.compile(
    r"\b(?:(?:the|our|my|a|an|that|this|one|his|her|their|your)\s+)?(?:" + ROLE_WORDS + r")\b", _I
)
_SCHOOL_REF = re.compile(r"\b(?:the|this|our|my|your|that|his|her|their)\s+school(?:'s)?\b", _I)
# Roles a complaint is about that are no job title: "the woman on reception", "lunchtime
# supervision is a shambles". Kept apart from ROLE_WORDS, which also says who a crime is tied to.
_STAFF_PLACE = re.compile(
    r"\b(?:on|at|behind) (?:the )?(?:reception|front desk|school office)\b|\breceptionist"
    r"|\b(?:lunchtime|playground|midday) (?:supervision|supervisors?|staff)\b|\bdinner (?:staff"
    r"|ladies)\b|\bkitchen staff\b|\bthe office\b"
    r"|\b(?:after[- ]school|breakfast|holiday) club\b|\bwraparound(?: care)?\b",
    _I,
)
# One person only, so an allegation about them names them: "the head", "the PE teacher". Plural
# or indefinite roles ("the TAs", "a teacher") point at no one in particular.
_UNIQUE_ROLE = re.compile(
    r"\b(?:the|our|that|this|his|her|their|my|your)\s+(?:head ?teacher|headmaster|headmistress"
    r"|head|deputy(?: head)?|assistant head|caretaker|site manager|SENCO|DSL|business manager"
    r"|chair of governors|receptionist|school nurse|(?:PE|music|art|french|spanish|computing"
    r"|class|form|year \d|y\d|reception) teacher|school)\b"
    r"|\b(?:the|our) (?:office|leadership(?: team)?|SLT|governors|academy trust|trust)\b",
    _I,
)
# Someone a complaint can be about who is not the school: the writer, a child, a family member.
_OTHER_REFERENT = re.compile(
    r"\b(?:I|I'm|I've|we|we're|you|u)\b|\b(?:my|our|his|her|their|your) (?:son|daughter|kids?"
    r"|child|children|boy|girl|lad|husband|wife|partner|mum|dad|brother|sister|friend|neighbour"
    r"|car|phone|dog|cat)s?\b",
    _I,
)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|me|my|myself|we|we're|we've|our|us)\b")
_THIRD_PERSON = re.compile(r"\b(?:he|she|him|his|her|hers|they|them|their)\b", _I)
_ONE_PERSON = re.compile(
    r"\b(?:child|kid|pupil|student|boy|girl|son|daughter|toddler|baby|little one|lad|lass"
    r"|member of staff|colleague|teacher|mum|dad|parent|family|twins)\b"
    r"|\b(?:one|two|three|some|few|several) of (?:my|our|the|his|her|their) \w+"
    r"|\b(?:my|our) (?:kids|children|boys|girls|class)\b",
    _I,
)
_SCHOOL_CONTEXT = re.compile(
    r"\b(?:parents'? evening|assembly|sports day|school trip|staff (?:do|party|night out|room)"
    r"|inset|playground|classroom|lesson|school gates?|behind the school|at school|in school"
    r"|open evening|nativity|christmas party|school disco)\b",
    _I,
)
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")
_SCHOOL_WORD = re.compile(
    r"\b(?:school|staff ?room|classroom|playground|school gates?|the gates|car park|tuck shop"
    r"|PTA|trip|nativity|sports day|summer fair|christmas fair|disco)\b",
    _I,
)


# -- confidential ---------------------------------------------------------------------------------

_CONFIDENTIAL = re.compile(
    r"\b(?:(?:strictly |private and |highly )?confidential(?!\s+(?:helpline|line|service|support"
    r"|counselling|advice|drop-in|reporting|listening|chat)))\b"
    r"|\bin (?:strict(?:est)? )?confidence\b|\bnot (?:for|to be) (?:sharing|shared|circulat\w+"
    r"|publi\w+|passed on|repeated)\b|\bbetween (?:you and me|ourselves)\b|\boff the record\b"
    r"|\bkeep (?:this|it) (?:to yourselves?|quiet|under your hat|between us|hush(?:[- ]hush)?"
    r"|(?:on the )?down ?low|under wraps|secret)\b|\bhush[- ]hush\b"
    r"|\bdon'?t tell anyone\b|\b(?:please )?(?:don'?t|do not) (?:share|forward|repost|screenshot"
    r"|pass on) (?:this|it)\b|\bfor your eyes only\b|\b(?:internal|staff) only\b"
    r"|\b(?:not|hasn'?t been|has not been|isn'?t) (?:been )?(?:announced|made public|public)"
    r" (?:yet|officially)\b",
    _I,
)
# "Applications are treated in confidence", "Childline is free and confidential": saying that
# something is kept private, or describing a service, is no secret being told.
_CONFIDENCE_KEPT = re.compile(
    r"\b(?:treated|handled|dealt with|held|kept|received|considered|stored|processed) (?:\w+ )?"
    r"in (?:the )?(?:strict(?:est)? )?confidence"
    r"|\b(?:free|anonymous|safe|impartial|independent|friendly|non-judgemental),? (?:and |& )?"
    r"confidential|\bconfidential,? (?:and |& )?(?:free|anonymous|safe|impartial|independent"
    r"|non-judgemental)|\b(?:childline|helpline|samaritans|nspcc|kooth|shout|counsell\w+"
    r"|support line|advice line|service)\b",
    _I,
)
# Pupil data and SEN casework whoever it names: reviews, funding, codes, per-child scores.
_PUPIL_DATA = re.compile(
    r"\b(?:EHCP|EHC plan|EHC|annual|SEN|statement) (?:review|assessment|application|meeting"
    r"|panel|funding|bid)s?\b|\b(?:1:1|one[- ]to[- ]one|top[- ]up|high needs|SEN|EHCP|SEND)"
    r" funding\b|\bSEN (?:codes?|register|list|data|status|needs)\b"
    r"|\breading ages? (?:spreadsheet|list|data|sheet|scores|results|for (?:the|my|our|each"
    r"|every|all))\b|\b(?:\w+'s|his|her|their) reading age\b"
    r"|\b(?:attainment|assessment|tracking|progress|behaviour|attendance"
    r"|safeguarding|pupil|class) (?:data|spreadsheet|tracker|sheet|records|logs?)\b"
    r"|\bspreadsheet (?:with|of|showing) (?:\w+ ){0,3}(?:names|SEN|scores|data|results"
    r"|addresses|dobs?|dates of birth|codes|levels)\b",
    _I,
)
# An inspection the school has not announced: "Ofsted rang, they're in Weds and Thurs".
_INSPECTION_DUE = re.compile(
    r"\b(?:ofsted|the inspectors?|inspection)\b[^.!?\n]{0,40}?\b(?:rang|called|phoned|emailed"
    r"|are coming|is coming|are due|is due|coming in|arriv(?:e|es|ing)|(?:they'?re|they are"
    r"|are|will be|'ll be) in (?:on |from |next |this |tomorrow|mon|tue|wed|thu|fri)"
    r"|(?:starts?|is|are) (?:on )?(?:tomorrow|next week|mon|tue|wed|thu|fri))",
    _I,
)
# What a named child did that the school records as behaviour: "had a scrap at lunch".
_INCIDENT = re.compile(
    r"\b(?:had|got into|in|were in|was in) a (?:scrap|fight|punch[- ]up|scuffle|tussle|bust[- ]up)"
    r"|\b(?:got|was|were|been|has been) (?:excluded|suspended|sent home|put on report"
    r"|in isolation|restrained|put in isolation)"
    r"|\b(?:bit|punched|kicked|hit|scratched|spat at) (?:another|a) (?:child|kid|pupil|boy|girl)",
    _I,
)
# Secrecy about a surprise is a game, however strongly put: "Secret Santa names are strictly
# confidential until the party".
_SURPRISE = re.compile(
    r"\bsecret santa\b|\bsurprise (?:party|present|visit|do|leaving do)\b|\bno peeking\b", _I
)
_STRONG_SECRET = re.compile(r"(?:strictly|private and|highly) |not |between |off |keep |don", _I)
_DOB = re.compile(
    r"\b(?:d\.o\.b\.?|DOB|date of birth|birth ?date|born on)\b(?:\s*[:\-]?\s*"
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{1,2}(?:st|nd|rd|th)? \w+ \d{4}))?",
    _I,
)
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_DATE = re.compile(
    r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})\b"
    r"|\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([A-Za-z]{3,9})\.?,?\s+(\d{4})\b"
    r"|\b(\d{4})-(\d{2})-(\d{2})\b"
)
_HEALTH_ACRONYMS = re.compile(
    r"\b(?:EHCP|EHC ?plan|SEND?|IEP|ASD|ADHD|SALT|CAMHS|OCD|PTSD|FSM|HIV|ASC)\b"
)
_HEALTH = re.compile(
    r"\b(?:education,? health and care plan|special (?:educational )?needs|statement of SEN"
    r"|statemented|one[- ]to[- ]one support|1:1 support|autis(?:m|tic)|dyslexi[ac]|dyspraxi[ac]"
    r"|dyscalculi[ac]|global developmental delay|learning disabilit(?:y|ies)|speech and language"
    r"(?: therapy| delay)?|mental health (?:issues|problems|crisis|condition)|anxiety"
    r"|depress(?:ion|ed)|self[- ]harm(?:ing|s|ed)?|eating disorder|anorexi[ac]|bulimi[ac]"
    r"|diabet(?:es|ic)|epilep(?:sy|tic)|seizures?|asthma(?:tic)?|epi[- ]?pens?|anaphyla\w+"
    r"|(?:nut |severe |peanut )?allerg(?:y|ies|ic)|medication|diagnos(?:is|ed)|ritalin|cancer"
    r"|chemo(?:therapy)?|leuka?emia|pregnan(?:t|cy)|miscarriage|terminally ill"
    r"|hospitali[sz]ed|in hospital|wheelchair|hearing impair\w*|hearing aids?|visually impaired"
    r"|cerebral palsy|down'?s syndrome|tourette'?s|free school meals|pupil premium|young carer"
    r"|on the sen register|sen register|sen support|behaviour plan|exclu(?:ded|sion)"
    r"|on report|reduced timetable|managed move)\b",
    _I,
)
_GENERAL_TOPIC = re.compile(
    r"\b(?:awareness|acceptance|(?:awareness|acceptance|action) (?:week|month|day)|training"
    r"|provision|policy|information report|offer|workshop"
    r"|coffee morning|support group|charity|fundrais\w*|celebrat\w*|assembly|parents'? evening"
    r"|talk|leaflet|webinar|research|article|campaign|sponsored)\b",
    _I,
)
_CASE_STRONG = re.compile(
    r"\b(?:CP plan|child protection (?:plan|case|conference|referral|concern|register)"
    r"|on a (?:CP|child protection|child in need) plan|child in need (?:plan|meeting)|CIN plan"
    r"|section 47|s\.? ?47 (?:enquiry|investigation)|strategy (?:meeting|discussion)|LADO"
    r"|(?-i:MASH)(?: referral)?|(?-i:MARAC)"
    r"|(?:made|making|submitted|sent|make) a (?:safeguarding |MASH "
    r"|social services |children'?s services |CP |child protection )?referral"
    r"|referr(?:ed|al) (?:him |her |them )?to (?:social services|children'?s services|the MASH"
    r"|CAMHS|the police|the LADO|early help)"
    r"|safeguarding (?:concern|disclosure|referral|incident|issue|meeting|case|review|plan"
    r"|conference|call|visit)s?"
    r" (?:about|for|regarding|re|with)"
    r"|looked[- ]after child(?:ren)?|LAC review|PEP meeting|(?:in|into) foster care"
    r"|(?:taken|put|placed) into care|care order|disclosed (?:that|abuse|to me|to us)"
    r"|made a disclosure|under investigation by (?:social services|the police))\b",
    _I,
)
_CASE_WEAK = re.compile(
    r"\b(?:social services|social workers?|children'?s services"
    r"|foster(?:ed|ing)? (?:by|with|carers?)"
    r"|in care|early help|police (?:were|are|have been|got) involved|domestic (?:abuse|violence)"
    r"|neglect(?:ed)?|abuse at home|bruis(?:es|ed|ing)|referral|safeguarding concern"
    # a family's private circumstances, said of someone
    r"|in prison|in jail|behind bars|(?:messy |nasty )?divorc(?:e|ing|ed)|separat(?:ed|ing)"
    r"|split(?:ting)? up|court order|non-molestation order|restraining order|injunction"
    r"|custody (?:battle|case|hearing|dispute)|evicted|eviction|homeless|food ?bank"
    r"|temporary accommodation|off (?:sick )?with stress|signed off (?:with|for) \w+"
    r"|nits|head lice|wet (?:him|her)self|soiled (?:him|her)self|bereave\w*"
    r"|(?:are|is) (?:a )?(?:refugees?|asylum seekers?))\b",
    _I,
)
_BUSINESS = re.compile(
    r"\b(?:budget (?:deficit|cuts?|shortfall|crisis)|(?:staff |compulsory )?redundanc(?:y|ies)"
    r"|restructur(?:e|ing) (?:of )?(?:the )?(?:staff|school|team|department)"
    r"|disciplinary (?:hearing|meeting|action|investigation|procedure)|grievance|tribunal"
    r"|suspended (?:pending|on full pay)|gross misconduct|capability (?:procedure|process)"
    r"|settlement agreement|(?:ofsted|inspection) (?:report|grade|result|outcome|judgement)s?"
    r" (?:isn'?t|is not|hasn'?t been|has not been|not yet|before (?:it'?s|it is)) (?:published|out)"
    r"|before (?:it'?s|they'?re|it is) (?:published|announced|made public)"
    r"|unpublished|embargo(?:ed)?"
    r"|(?:staff |teachers'? |the head'?s )(?:salary|salaries|pay) (?:is|are)"
    r"|salary of (?:the|our|mr|mrs|miss|ms)|(?:is|are) (?:going to be |being )?made redundant"
    # staffing matters before they are announced: contracts, redundancies, suspensions
    r"|(?:will|to|going to|could|may|might|set to) be made redundant"
    r"|(?:posts?|jobs?|roles?) (?:will be|are being|are going to be|to be|are) (?:cut|axed|lost"
    r"|made redundant|going)"
    r"|contracts? (?:won'?t|will not|isn'?t|aren'?t|is not|are not|not)"
    r" (?:be |being |going to be )?renewed|not renewing (?:my|our|her|his|their) contracts?"
    r"|suspend(?:ed|ing)? (?:\w+ ){1,3}pending|pending (?:an|the) investigation"
    r"|(?:is|'s|are|'re|was|were|hes|shes|theyre) being (?:sacked|dismissed|let go|suspended"
    r"|disciplined|managed out|performance managed))\b",
    _I,
)
_ADDRESS = re.compile(
    r"\b(?:lives (?:at|on|in) (?:number )?\d+\w?|home address|(?:address|lives) (?:is|at):?\s*\d+)"
    r"|\b\d{1,4}[a-z]? [A-Z][a-z]+(?: [A-Z][a-z]+)? (?:Road|Rd|Street|St|Avenue|Ave|Close|Lane"
    r"|Drive|Way|Crescent|Gardens|Court|Place|Grove|Terrace|Mews|Walk|Rise|Hill|View)\b",
)


# -- security-sensitive ---------------------------------------------------------------------------

_SECURITY = re.compile(
    r"\b(?:(?:door|gate|alarm|keypad|key pad|entry|access|lock|padlock|safe|building|front door"
    r"|back door|side door|side gate|back gate|staff ?room|office|key box|security|garage|shed)"
    r" (?:code|combination|combo|pin|number)s?(?:\s*(?:is|=|:|-|are|'s)\s*[\w#*-]+)?)"
    r"|\bkey ?safes?\b|\block ?box(?:es)?\b"
    r"|\bkeys? (?:is|are) (?:kept|hidden|left) (?:under|in|behind|above|on)\b"
    r"|\b(?:(?:wi-?fi|network|admin|login|log-?in|system|email|e-mail|account|portal|server"
    r"|computer|laptop|ipad|tablet|sims|arbor|cpoms|staff)\s+)?(?:password|passcode|passwd|pwd)s?"
    r"\s*(?:is|are|=|:|-|for [\w. ]{1,20} (?:is|=|:))\s*\S+"
    r"|\b(?:pin|pin number|pin code)\s*(?:is|=|:)\s*\d{3,}"
    r"|\busername (?:and|&) password\b|\blogin details\b|\blog-?in (?:is|=|:) \S+"
    r"|\b(?:I'?m|I am|I'?ll be|I will be|she'?s|he'?s|she is|he is|she'?ll be|he'?ll be"
    r"|they'?re|they are|(?:the )?caretaker (?:is|will be)|(?:mr|mrs|miss|ms) \w+ (?:is|will be))"
    r"\s+(?:all )?(?:alone|on (?:my|her|his|their) own|by (?:my|her|him|them)sel(?:f|ves)"
    r"|the only one|the last one|the first one)\s+(?:in|at|on|into)\s+(?:the )?(?:school|building"
    r"|site|office|premises|classroom)"
    r"|\b(?:school|building|site|premises|office) (?:is|will be|was) (?:left )?(?:empty|unmanned"
    r"|unlocked|left open|open and empty|unattended)"
    r"|\bnobody (?:else )?(?:is |will be |'?ll be |'?s )?(?:in|on|at) (?:the )?(?:school|site"
    r"|building|premises)(?=\s*(?:[.!,;]|$|over|during|until|till|from|after|before|between|on"
    r"|at|this|tonight|tomorrow|in the|for|overnight|at night|all))"
    r"|\bnobody else (?:is |will be |'?ll be |'?s )?(?:in|here|around|about) (?:until|till|before)"
    r"|\b(?:code|pin|combination|combo|number)\s+(?:for|to|on|of)\s+(?:the\s+)?(?:main |side "
    r"|back |front |staff |rear |fire |office |head'?s )?(?:gate|door|entrance|office|building"
    r"|staff ?room|key ?safe|safe|alarm|keypad|cupboard|get in|lock|padlock|shed|garage"
    r"|store ?room)"
    r"\s*(?:is|=|:|-|'s)?\s*\d[\d#*]{2,7}\b"
    r"|\b(?:keypad|alarm|gate|door|padlock|lock|key ?safe|safe)(?:'s|s| is| code is| code'?s|:| -)"
    r"\s*\d{3,8}#?(?![\d:/%]|[.,]\d)(?!\s*(?:am|pm|mins?|minutes|hours|people|children|kids|pupils"
    r"|years?))"
    r"|\busername\s*(?:is|:|=)?\s*\S+\s*(?:and|&|,|/)?\s*(?:the )?password\s*(?:is|:|=)?\s*\S+"
    r"|\blog ?in (?:with|as|using)\s+\S+\s*(?:/|and|&|,)\s*\S+"
    r"|\b(?:the |spare |master |door |gate |office |building |school )?keys?\s+(?:is|are|'s|lives"
    r"|live|gets? (?:left|kept|hidden)|stays?)\s+(?:always |usually |normally |kept |hidden |left "
    r"|stashed )?(?:under|behind|above|on top of|inside|in the|in a|in my|in her|in his"
    r"|in reception|by the|next to|beneath)\b"
    r"|\bmaster key\b"
    r"|\b(?:I'?ll|I will|I'?m|I am|she'?ll|he'?ll|she is|he is)\s+(?:be\s+)?(?:in|at)\s+(?:the )?"
    r"(?:school|building|office|site)\s+(?:on (?:my|her|his) own|alone|by (?:my|her|him)self"
    r"|all alone)"
    r"|\bjust me (?:in|at) (?:the )?(?:school|building|office|site)"
    r"|\b(?:I'?m|I am|I'?ll be|I will be) (?:the )?last (?:one )?(?:out|to leave)"
    r"|\b(?:I'?m|I am|I'?ll be|I will be|she'?s|he'?s) locking up\b"
    r"|\b(?:fence|gate|door|window|lock|alarm|cctv|camera|fire exit)s?(?:'s| has| have| is| are)?"
    r"\s+(?:been )?(?:got )?(?:a hole|holes|broken|bust|doesn'?t (?:lock|close|shut|work|cover)"
    r"|don'?t (?:lock|close|shut|work|cover)|won'?t (?:lock|close|shut)|not locking|not working"
    r"|never locked)"
    r"|\banyone can (?:get|walk|wander|climb|just walk) in\b|\b(?:building|school|site) is"
    r" unprotected\b"
    r"|\b(?:the )?(?:alarm|cctv|cameras?|security cameras?|locks?|gate|fence|door entry|intercom"
    r"|security system)s?\s+(?:is|are|has been|have been|isn'?t|aren'?t|was|were)\s+(?:still )?"
    r"(?:broken|not working|down|off|faulty|disabled|switched off|out of action|left open"
    r"|unlocked|working)"
    r"|\b(?:locks? up|opens? up|unlocks?|unlocking|locking up) (?:the school |the building "
    r"|the site |the gates? )?(?:at|from|around) \d"
    r"|\b(?:back|side|rear|front|staff) (?:gate|door|entrance) (?:is|gets|will be|was) (?:always )?"
    r"(?:left )?(?:open|unlocked|propped open)"
    r"|\b(?:left|leave|leaving) the (?:door|gate|window|fire exit)s? (?:open|unlocked)"
    r"|\b(?:duty|staff|gate|playground|site|lunch|break|cover|caretaker'?s|lock-?up) rota\b"
    # a way in that does not close, wherever it is: "the fire exit by Y6 doesnt shut properly"
    r"|\b(?:fence|gate|door|window|lock|alarm|cctv|camera|fire exit|fire door|entrance|intercom"
    r"|keypad)s?\s+(?:by|on|at|in|near|next to|behind|round|outside|of|to|from|facing|in the)"
    r"\s+(?:the\s+)?[\w']+(?:\s+[\w']+){0,2}?\s+(?:has been |have been |is |are |was |'s )?"
    r"(?:still |always |never |often |usually )?(?:broken|bust|not working|not locking|faulty"
    r"|never locked|left open|left unlocked|unlocked|propped open|doesn'?t (?:lock|close|shut"
    r"|work)|doesnt (?:lock|close|shut|work)|don'?t (?:lock|close|shut|work)|dont (?:lock|close"
    r"|shut|work)|won'?t (?:lock|close|shut)|wont (?:lock|close|shut)|off|down)\b"
    r"|\b(?:fence|gate|door|window|lock|alarm|cctv|camera|fire exit|fire door)s?\s+"
    r"(?:(?:by|on|at|in|near|next to|behind|round|outside|of|to|from) (?:the )?[\w']+(?:\s+[\w']+)?"
    r"\s+)?(?:doesnt|dont|wont|never|hasn'?t|hasnt|has not|haven'?t|isn'?t|isnt|is not)"
    r" (?:been )?(?:lock|close|shut|work|locked|closed|shut|worked|working|locking|shutting)s?\b"
    r"|\bthe only (?:adult|member of staff|person|one|staff member|grown-?up) (?:in|on|at)"
    r" (?:the )?(?:building|site|school|premises)\b"
    r"|\b(?:(?:you|anyone|people|kids) (?:can|could) (?:get|walk|wander|climb|just walk|come)"
    r" (?:in|into"
    r"|through|over)|(?:easy|easily) to (?:get|climb|walk) in)\b"
    # one adult alone on site, or locking up alone
    r"|\b(?:on (?:my|his|her|their) own|alone|by (?:my|him|her)self) (?:locking|opening|closing)"
    r" up\b"
    r"|\b(?:building|school|site|premises|office)(?:'s| is| will be| was) (?:\w+ )?empty\b"
    r"|\btailgat(?:e|es|ed|ing) (?:someone|somebody|people|parents|in|through|behind)"
    r"|\b(?:only|just) (?:me|us|me and \w+|the two of us|two of us) (?:in|on site|in school"
    r"|in the building) (?:on|at|this|tonight|from|over|until|till)\b"
    r"|\b(?:cctv|cameras?)\b[^.!?\n]{0,25}?(?:haven'?t|hasn'?t|aren'?t|isn'?t|don'?t|doesn'?t"
    r"|not) (?:been )?(?:recorded|recording|worked|working)"
    r"|\b(?:alarm|cctv|cameras?|gate|door|lock)'s (?:been )?(?:broken|disabled|off|down"
    r"|faulty|not working|switched off)"
    r"|\b(?:locks?|locking) up (?:on (?:his|her|my|their) own|alone|by (?:him|her|my)self)"
    r"|\b(?:on (?:his|her|my|their) own|alone|by (?:him|her|my)self) (?:in|at) (?:the )?"
    r"(?:building|school|site|premises|office)\b"
    r"|\b(?:only|just) (?:one|1|a single) (?:adult|member of staff|person|teacher|staff member"
    r"|person on site)s? (?:in|on|at) (?:the )?(?:building|site|school|premises)"
    # log-ins and passwords given in any form
    r"|\blog-?ins?\s+(?:details\s+)?(?:for\s+[\w' ]{1,30}?\s+)?(?:is|are|=|:)\s*\S+(?:\s*/"
    r"\s*\S+)?"
    r"|\bpasswords?\s+(?:for|to|on)\s+[\w' ]{1,40}?\s+(?:is|are|=|:)\s*\S+"
    r"|\b(?:code|pin|combination|combo)\s+(?:for|to|on|of)\s+(?:the\s+)?(?:\w+\s+){0,2}?"
    r"(?:gate|door|entrance|office|building|staff ?room|key ?safe|safe|alarm|keypad|cupboard"
    r"|lock|padlock|shed|garage|store ?room)\s*(?:is|=|:|-|'s)?\s*(?:still |now |always )?"
    r"\d[\d#*]{2,7}\b"
    r"|\bon (?:gate|door|playground|yard|bus|car park|morning|afternoon) duty\b[^.!?\n]{0,40}?"
    r"\b\d{1,2}(?:[:.]\d{2}|\s?(?:am|pm))",
    _I,
)


_PHONE_AFTER = re.compile(r".*?\b(?:\+44\s?|0)\d{3,4}\s?\d{3}\s?\d{3,4}", _I)


# -- offensive ------------------------------------------------------------------------------------

_LEET = str.maketrans(
    {
        "@": "a",
        "4": "a",
        "3": "e",
        "1": "i",
        "!": "i",
        "|": "i",
        "0": "o",
        "$": "s",
        "5": "s",
        "7": "t",
        "9": "g",
    }
)
# A word as written, with look-alike characters: "sh1t", "b!tch", "a$$hole".
_WORDLIKE = re.compile(r"[A-Za-z@$!|0-9]*[A-Za-z][A-Za-z@$!|0-9]*")
_REPEATS = re.compile(r"(.)\1+")


def _collapse(word: str) -> str:
    return _REPEATS.sub(r"\1", word)


@dataclass(frozen=True, slots=True)
class _Words:
    """One category of the lexicon's offensive terms, ready for a lookup a word."""

    category: str
    confidence: float
    exact: frozenset[str]
    collapsed: frozenset[str]  # "fuuuck" -> "fuck"; only forms that are no ordinary word
    prefixes: frozenset[str]  # "fuck*"
    prefix_lengths: tuple[int, ...]
    phrases: re.Pattern[str] | None


@cache
def _offensive_words() -> tuple[_Words, ...]:
    from smpolicy.content.lexicon import dictionary

    lower_words = dictionary()[0]
    confidence = {"obscene": 0.9, "abusive": 0.8, "discriminatory": 0.95}
    out = []
    for category, terms in lexicon()["offensive"].items():
        exact, prefixes, phrases = set(), set(), []
        for term in terms:
            term = term.lower()
            wild = term.endswith("*")
            term = term.rstrip("*")
            if " " in term or "-" in term:
                body = r"[\s\-]+".join(re.escape(w) for w in re.split(r"[\s\-]+", term))
                phrases.append(body + (r"[a-z]*" if wild else ""))
            elif wild:
                prefixes.add(term)
            else:
                exact.add(term)
        collapsed = {_collapse(w) for w in exact} - exact - lower_words
        phrase_re = (
            re.compile(r"(?<![a-z])(?:" + "|".join(phrases) + r")(?![a-z])", _I)
            if phrases
            else None
        )
        out.append(
            _Words(
                category,
                confidence[category],
                frozenset(exact),
                frozenset(collapsed),
                frozenset(prefixes),
                tuple(sorted({len(x) for x in prefixes})),
                phrase_re,
            )
        )
    return tuple(out)


_WORD_VERDICTS: dict[str, tuple[str, float] | None] = {}


def _word_verdict(word: str) -> tuple[str, float] | None:
    """The category of one written word, if the lexicon lists it; remembered, words recur."""
    hit = _WORD_VERDICTS.get(word, False)
    if hit is not False:
        return hit  # type: ignore[return-value]
    plain = word.translate(_LEET) if not word.isalpha() else word
    squeezed = _collapse(plain)
    found = None
    for words in _offensive_words():
        if plain in words.exact or squeezed in words.collapsed:
            found = (words.category, words.confidence)
            break
        for n in words.prefix_lengths:
            if plain[:n] in words.prefixes or squeezed[:n] in words.prefixes:
                found = (words.category, words.confidence)
                break
        if found:
            break
    if len(_WORD_VERDICTS) > 200_000:
        _WORD_VERDICTS.clear()
    _WORD_VERDICTS[word] = found
    return found


def _offensive_terms(text: str) -> Iterable[tuple[str, int, int, float]]:
    for m in _WORDLIKE.finditer(text):
        hit = _word_verdict(m.group().lower())
        if hit is not None:
            yield hit[0], m.start(), m.end(), hit[1]
    for words in _offensive_words():
        if words.phrases is not None:
            for m in words.phrases.finditer(text):
                yield words.category, m.start(), m.end(), words.confidence


_MASKED = re.compile(
    r"(?<![\w*])(?:f[u*#@]?[*#@]{1,3}[c*#]?k(?:ing|in|er|ers|ed)?|f[*#@]{2,}k?(?:ing|in)?"
    r"|f[*#@]ck(?:ing|in|er|ed)?|fu[*#@]{1,2}(?:ing|in|er|ed)|sh[*#@!1]t(?:ty|e|s)?"
    r"|s[*#@]{2}t|c[*#@]{2}t|c[*#@]nt|b[*#@]{1,3}ch|b[*#@]tch|tw[*#@]t|w[*#@]nk(?:er|ers|ing)?"
    r"|a[*#@$]{2}hole|a[*#@$]se(?:hole)?|f\s+u\s+c\s+k|s\s+h\s+i\s+t"
    # a slur with its vowels starred out, and any word starred out after an insult's opening
    r"|n[*#@]gg?(?:a|as|er|ers|ah|uh)|n[*#@]{2,}(?:a|as|er|ers)"
    r"|(?:dirty|stupid|little|fat|fucking|such an?|you|ur|u)\s+[a-z][*#]{2,5})(?![\w*])",
    _I,
)
_INSULT = re.compile(
    r"\b(?:you|ya|u|such an?|what an?|absolute|total|complete|utter|fat|stupid|ugly|silly|old"
    r"|thick|dirty|lazy|useless)\s+(?:\w+\s+)?(?:dick|knob|prick|cow|pig|tart|slag|div|twit|plank"
    r"|weirdo|freak|psycho|nutter|nutcase|git|bitch|witch|snake|clown|muppet|halfwit|dimwit"
    r"|joke of a \w+)s?\b"
    # "ur mum's a slag": an insult to someone's family as much as to them
    r"|\b(?:you'?re|you are|u r|ur|he'?s|he is|she'?s|she is|they'?re|they are"
    r"|(?:mum|mam|mom|mother|dad|father|sister|brother|nan|gran|wife|husband)(?:'s| is))"
    r"\s+(?:such |an? |a complete |an absolute |a total |a right |a proper |a little |an utter )+"
    r"(?:muppet|psycho|nutter|nutcase|weirdo|freak|halfwit|dimwit|nitwit|knob|prick|dick|slag"
    r"|witch|snake|pig|cow|tart|clown|creep|dickhead|idiot|moron)s?"
    r"\b(?!\s+(?:of (?:a |an )?(?:day|time|game|show|story|book|film)|costume|outfit|mask|puppet"
    r"|show|character|biscuit|cake))"
    r"|\b(?:you|ur|you'?re|your|you are|u r)\s+(?:so |such an? |an? |really |fucking )?"
    r"(?:stupid|thick|dumb|pathetic|useless|worthless|ugly|fat|disgusting|vile|a disgrace"
    r"|a joke|scum|trash|rubbish at your job)\b",
    _I,
)
# "that stuck up cow on reception": a person called an animal or worse, with a sneer before it.
_SNEER = re.compile(
    r"\b(?:that|this|the|some|what a|such a)\s+(?:stuck[- ]up|jumped[- ]up|snotty|snooty|miserable"
    r"|nasty|horrible|vile|lazy|useless|fat|ugly|stupid|silly|smug|gobby|mouthy|two[- ]faced"
    r"|old|dozy|thick)\s+(?:old\s+)?(?:cow|bitch|witch|pig|tart|slag|cow bag|moo|bat|hag|git"
    r"|prat|sod|troll|snake)s?\b",
    _I,
)
# A dish, not a slur: "faggots and peas", "faggots in gravy".
_FOOD_AFTER = re.compile(
    r"\s+(?:and|&|with|in)\s+(?:mushy\s+)?(?:peas|mash|gravy|chips|onion gravy|potatoes)\b", _I
)
_GAY_INSULT = re.compile(
    r"\b(?:so|that'?s|thats|that is|is so|ur|you'?re|you are|how|sounds|looks)\s+(?:so\s+"
    r"|really\s+|totally\s+)?gay\b",
    _I,
)
_GROUPS = (
    r"muslims|moslems|jews|jewish people|blacks|black people|asians|pakis|immigrants|migrants"
    r"|foreigners|asylum seekers|refugees|poles|polish people|romanians|eastern europeans"
    r"|gypsies|travellers|gays|gay people|lesbians|trans people|transgender people|women|girls"
    r"|disabled people|the disabled|chinese|indians|africans|arabs|catholics|christians|hindus"
    r"|sikhs|lgbt people|queers"
)
_DISCRIMINATION = re.compile(
    r"\b(?:go|send (?:them|him|her)|sent) back (?:to|where) (?:your|ur|their|his|her)"
    r" (?:own )?(?:country|countries|came from|come from)"
    r"|\b(?:all|these|those|bloody|typical|f\w*ing|most|the|some|too many|so many)\s+(?:"
    + _GROUPS
    + r")\s+(?:are (?:all )?(?:scum|vermin|animals|terrorists|criminals|thieves|dirty|disgusting"
    r"|lazy|stupid|a disease|a plague|parasites|the problem|a problem|ruining|taking over)"
    r"|should (?:all )?(?:be (?:banned|deported|sent back|kicked out|shot|locked up|gassed)"
    r"|go (?:back|home)|not be allowed)|shouldn'?t be allowed|need to (?:go|leave|be deported)"
    r"|don'?t belong|do not belong|(?:are )?taking over|ruin(?:ing|ed)? (?:this|our|the)"
    r" (?:country|school|area|town)|steal(?:ing)? our (?:jobs|houses|benefits)|go (?:back|home)"
    r"|can'?t (?:play|do|be) (?:football|maths|science|sport|proper))"
    r"|\b(?:typical|bloody|filthy|dirty|stinking|f\w*ing|effing|sodding|flipping|bleeding)\s+(?:"
    + _GROUPS
    + r")\b"
    r"|\b(?:"
    + _GROUPS
    + r")\s+(?:(?:are|is|keep|always|just)\s+)?(?:taking (?:all|over|our)\b|steal(?:ing)?\b"
    r"|scroung\w*|spong\w*|breed(?:ing)? like|invading|flooding (?:in|into|our)\b|everywhere\b"
    r"|coming over here|ruin(?:ing|ed)?\b)"
    r"|\b(?:go|send (?:them|him|her|'?em)|sent|get (?:them|'?em)) back (?:to )?where (?:you|ya|u"
    r"|they|he|she) (?:came|come) from\b"
    r"|\bno (?:blacks|gays|foreigners|muslims|immigrants|pakis|travellers|gypsies) allowed\b"
    r"|\b(?:women|girls) (?:belong in the kitchen|should stay at home|can'?t (?:drive|lead))",
    _I,
)
_THREAT = re.compile(
    r"\b(?:i(?:'?ll| will| am going to|'?m going to|'?m gonna| am gonna| wanna| want to| could)"
    r"|we(?:'?ll| will| are going to|'?re going to|'?re gonna| are gonna)|someone should"
    r"|somebody should|gonna|going to)\s+(?:\w+\s+){0,2}?(?:kill|murder|stab|shoot|hurt|batter"
    r"|smash|beat|punch|slap|knock|burn|strangle|throttle|end|bash|deck|glass|get|find|smack"
    r"|thump|wallop|lamp|headbutt|break)"
    r"\s+(?:you|ya|u|him|her|them|that (?:teacher|woman|man|kid|child|boy|girl|cow|bitch)"
    r"|the (?:head|teacher|caretaker|school|lot of you)|(?:mr|mrs|miss|ms) \w+|your (?:face|head)"
    r"|(?:his|her|their|your|ur) (?:face|head|legs?|arms?|neck|nose|jaw|fingers)"
    r"|the place down|it down)\b"
    r"|\bwatch (?:your|ur) back\b|\byou(?:'?ll| will) (?:regret|pay for) (?:this|it)\b"
    r"|\bi know where (?:you|he|she|they|u) (?:live|lives)\b"
    r"|\b(?:you|he|she|they)(?:'?re| are| is|'?s) (?:so )?dead\b"
    r"|\bdeserves? to (?:die|be shot|be hurt|be beaten|suffer)\b"
    r"|\bshould be (?:shot|hanged|hung|strung up|killed|lynched)\b"
    r"|\bburn (?:the school|it|the place) down\b|\bwait till i (?:get|see)\b"
    r"|\b(?:punch|knock) (?:his|her|their|your|ur) (?:lights|teeth|head|block) (?:out|in|off)\b"
    r"|\b(?:gonna|going to|will|'ll|needs? (?:to|a)|deserves? (?:a|to)) get (?:a |what'?s )?"
    r"(?:slap|smack|kicking|beating|battering|hiding|good hiding|coming to (?:him|her|them|you))"
    r"|\bgive (?:him|her|them|that \w+|the \w+) a (?:good )?(?:hiding|slap|smack|kicking|beating)"
    r"|\b(?:i )?hope (?:you|he|she|they|u) (?:die|dies|rot|get hit by a bus|get cancer)\b"
    r"|\bdrop dead\b|\bdie in a (?:fire|hole|ditch)\b|\bgo (?:and )?die\b"
    r"|\bsort (?:you|him|her|them|u) out\b(?=\s*(?:[.!?,]|$|once|proper|myself))"
    r"|\byou'?(?:ll| will) get what'?s coming\b",
    _I,
)
# "get" and "find" threaten only with nothing ordinary after them: "I'll get you" or "gonna get
# you after school", never "I'll get you a coffee" or "I'll find you after assembly to sign".
_THREAT_TAIL = re.compile(
    r"^\s*(?:[.!?,]|$|and\b|after school\b|outside\b|one day\b|for (?:this|that|it)\b"
    r"|back\b|when\b|if\b|later\b|soon\b|too\b|lol\b|\W*$)",
    _I,
)
_SOFT_THREAT_VERB = re.compile(r"\b(?:get|find)\s+\S+$", _I)
_NOT_THREAT = re.compile(
    r"\b(?:kill|murder) (?:for|it|time|two birds)\b|\bget (?:you|them) "
    r"(?:a|some|one|the|your|home|there|ready|started)\b",
    _I,
)


# -- defamatory risk, illegal conduct, criticism --------------------------------------------------

# Taking from one's own family is borrowing: "nicked my husband's hoodie for the school run".
_FAMILY_BORROW = (
    r"(?!my (?:husband|wife|partner|mum|dad|son|daughter|brother|sister|kid|fella|boyfriend"
    r"|girlfriend|other half|hubby|missus)'?s)"
)

_ALLEGATION = re.compile(
    r"\b(?:stole|steals|stealing|has been stealing|nicked "
    + _FAMILY_BORROW
    + r"|pocketed|pinched (?:money|cash|the)"
    r"|embezzl\w+|fiddl(?:ed|ing|es) (?:the )?(?:\w+ )?(?:books|accounts|money|expenses|figures)"
    r"|(?:committed |is committing )?fraud|on the take"
    r"|help(?:ed|ing|s)? (?:him|her|them)sel(?:f|ves) to"
    r"|(?:is|was|'s) (?:a |an |such a |such an |a known |a total |a complete )?(?:liar|thief"
    r"|crook|fraud|abuser|child abuser|paedo(?:phile)?|pedo(?:phile)?|nonce|predator|groomer"
    r"|bully|racist|drunk|alcoholic|druggie|junkie|criminal|cheat|perv(?:ert)?|sex offender)s?"
    r"|lied (?:about|to)|lies to (?:parents|us|everyone|the)|is lying"
    r"|(?:was|were|is|turned up|came in|got) (?:completely |totally |absolutely )?(?:drunk|pissed"
    r"|hammered|wasted|high|stoned|off (?:his|her) face) (?:at|in|on|during|again|at work)"
    r"|drunk (?:at work|in class|on duty|at school|on the trip)|drinks? (?:at|in) (?:school|work"
    r"|class)|hungover (?:in|at) (?:class|school|work)"
    r"|(?:hit|hits|smacked|slapped|kicked|grabbed|shoved|pushed|shook) (?:a|the|my|our|his|her"
    r"|their|one of the|some of the)? ?(?:child|children|kid|kids|pupil|pupils|boy|girl|son"
    r"|daughter|little ones)"
    r"|abus(?:ed|es|ing) (?:children|kids|pupils|a child|my|our|the)|assaulted|sexually"
    r"|groom(?:ed|ing) (?:children|kids|pupils|a|my|her|him)|touch(?:ed|es|ing) (?:the )?(?:kids"
    r"|children|pupils|girls|boys|my|a) (?:\w+ )?inappropriately|inappropriate(?:ly)? with"
    r" (?:children|kids|pupils)"
    r"|covered (?:it |this |everything )?up|cover(?:ing)?[- ]up|covering (?:it |this )?up"
    r"|(?:takes|took|is on|does) (?:drugs|coke|cocaine|lines)|falsifi(?:ed|es|ying)"
    r"|fiddled|cheated|is corrupt|bribe[sd]?|took bribes"
    r"|(?:should|needs to|ought to|deserves to|must) be (?:sacked|fired|struck off|arrested"
    r"|locked up|in prison|jailed|prosecuted|investigated|removed)"
    r"|(?:got|been|was|were|is being) (?:sacked|fired|suspended|arrested|investigated) for"
    r"|(?:is|are|was|were) (?:being |now )?(?:investigated|under investigation) for"
    r"|was arrested|has a criminal record|has (?:a )?previous convictions?"
    # plural and bare forms of the same labels: "the office staff are thieves", "is racist"
    r"|(?:are|were|'re) (?:all )?(?:liars|thieves|crooks|frauds|criminals|bullies|racists"
    r"|cheats|paedos|perverts|pervs|abusers|drunks|alcoholics|junkies|druggies)"
    r"|(?:is|are|was|were|'s|'re) (?:so |really |openly |blatantly |clearly |obviously "
    r"|totally |a bit )?(?:racist|sexist|homophobic|transphobic|corrupt|bent|dodgy|on the fiddle)"
    r"|(?:is|was|'s) (?:a |an )?(?:creep|sex pest|wife beater|con ?man|con artist|fraudster"
    r"|scammer|drug dealer|dealer|wrong 'un)"
    r"|(?:is|are|was|were|'s|'re) (?:always|often|constantly|usually|regularly|clearly"
    r"|obviously|permanently|basically|completely|totally|absolutely|sometimes)\s+(?:drunk"
    r"|pissed|hammered|wasted|stoned|high|hungover|on drugs|off (?:his|her|their) face)"
    r"|(?:bull(?:ies|ied|ying)|picks? on|picked on|victimis\w+|harass\w*) (?:the |my |our |his "
    r"|her |their |a |some )?(?:kids|children|pupils|child|kid|son|daughter|boy|girl|staff"
    r"|colleagues|parents|little ones)"
    r"|(?:grabbed|shoved|pushed|shook|yanked|dragged|manhandled|restrained|threw|hurt|bruised)"
    r" (?:my|his|her|our|their|a|the) (?:son|daughter|child|kid|boy|girl|arm|wrist|neck|collar)"
    r"|abus(?:ed|es|ing) (?:his|her|their) (?:position|power|authority|trust)|abuse of (?:power"
    r"|position|trust)"
    r"|(?:made up|makes up|making up|telling|tells|told|spreading|spread|spreads) (?:lies|rumours"
    r"|stories) about|lying (?:about|to)|lies about"
    r"|(?:got|was|were|been|get) caught (?:stealing|drinking|drunk|with|taking|smoking|lying"
    r"|cheating|shoplifting|on camera|doing)"
    r"|having an affair|cheat(?:ed|ing|s) on (?:his|her|their) (?:wife|husband|partner)"
    r"|sleeping with (?:a |the |one of )"
    r"|(?:took|takes|taking|stole|pocketed|pinched|helped (?:him|her)self to) (?:the |our |some |"
    r"school |PTA |trip )?(?:money|cash|funds|donations|raffle money)"
    r"|hand in the till|(?:money|funds|cash|donations) (?:went|has gone|goes|have gone) missing"
    r"|(?:is|are) hiding (?:something|the truth|things)|whitewash(?:ed|ing)?"
    r"|(?:doctored|fudged|massaged|cooked|fiddled|faked|rigged) (?:the )?(?:figures|results|data"
    r"|register|registers|attendance|books|numbers|SATs|marks|scores)"
    r"|cheat(?:ed|s|ing) (?:on|in|at) (?:the )?(?:SATs|tests|exams|results|phonics)"
    r"|(?:lost (?:his|her|their) job|(?:was|got|been|were) (?:let go|dismissed|struck off"
    r"|banned from teaching|barred)) (?:for|because|after)"
    r"|fancies (?:the |one of the )?(?:kids|children|pupils|girls|boys|mums|dads)"
    r"|lock(?:s|ed|ing)? (?:a |the |my |our |his |her |their |that |this )?(?:little )?(?:child"
    r"|children|kids?|pupils?|sons?|daughters?|lad|lass|boys?|girls?|him|her|them) in (?:a |the )?"
    r"(?:cupboard|room|toilets?|store ?room|shed|cellar|office|car|cage|dark)"
    r"|(?:nearly|almost) (?:ran|run|knocked|hit) (?:over |down )?(?:a |the |my |our |some |one of"
    r" the |that |this )?(?:\w+ )?(?:child|children|kids?|pupils?|boys?|girls?|toddler|lollipop)"
    # insinuation: money that went somewhere it should not, a purchase nobody could afford
    r"|where (?:the |our |all the |all our )?(?:\w+ ){0,3}(?:money|cash|funds|donations)"
    r" (?:\w+ ){0,4}?(?:has been going|is going|goes|went|has gone|ended up)"
    r"|didn'?t pay for (?:it|them)sel(?:f|ves)"
    r"|(?:tak(?:es|ing|en)|took) (?:the )?credit for (?:other|someone|somebody|everyone|my|our"
    r"|his|her|their)"
    # theft in any tense: "has been nicking from", "is pocketing the trip money"
    r"|(?:steal(?:s|ing)?|stole|nick(?:s|ing|ed)|pinch(?:es|ing|ed)|pocket(?:s|ing|ed)"
    r"|skim(?:s|ming|med)|swip(?:es|ing|ed)|rob(?:s|bing|bed)|fleec(?:es|ing|ed))"
    r" (?:from|off|out of)"
    r"|(?:pocket(?:s|ing|ed)|skim(?:s|ming|med)(?: off)?|nick(?:s|ing|ed)|steal(?:s|ing)?|stole"
    r"|pinch(?:es|ing|ed)) (?:the |our |some |all the |all our |their |parents'? |everyone'?s )?"
    r"(?:\w+ )?(?:money|cash|funds|donations|fees|takings|float|profits)"
    r"|(?:tak(?:es|ing|en)|took) (?:the |some |all the )?(?:money|cash|donations|funds)"
    r" (?:out of|from)"
    r"|(?:keep(?:s|ing)?|kept) (?:the |some of the )?(?:\w+ )?(?:money|cash|donations) for"
    r" (?:him|her|them)sel(?:f|ves)"
    # violence to a child, any tense, and "round the head"
    r"|(?:hit|hits|hitting|smack(?:s|ed|ing)?|slap(?:s|ped|ping)?|whack(?:s|ed|ing)?|thump(?:s|ed"
    r"|ing)?|belt(?:s|ed|ing)?|punch(?:es|ed|ing)?|kick(?:s|ed|ing)?|clout(?:s|ed|ing)?)"
    r" (?:a |the |my |our |his |her |their |one of the |some of the |that |this )?(?:little )?"
    r"(?:child|children|kids?|pupils?|boys?|girls?|sons?|daughters?|lad|lass|toddler)(?!')"
    r"|(?:hit|hits|hitting|smack\w*|slap\w*|whack\w*|clip\w*|clout\w*|thump\w*|belt\w*"
    r"|punch\w*) (?:\w+ ){0,3}(?:round|across|over|on) the (?:head|face|ear|back of the head)"
    # watching children undress
    r"|(?:film|photograph|record|video|watch|spie|spy|spying|perv)(?:s|ed|ing)?(?: on)?"
    r" (?:the |some |a |young |little )?(?:girls|boys|kids|children|pupils|child|girl|boy)"
    r" (?:getting changed|changing|undress\w*|in the (?:toilets?|showers?|changing rooms?))"
    # what the school or a teacher did with the tests
    r"|(?:gave|gives|giving|give|told|tells|showed|shows) (?:\w+ ){0,3}the answers"
    r"|(?:changed|changes|altered|alters|made up|makes up|fiddl(?:ed|es|ing)|fudg(?:ed|es|ing)"
    r"|doctor(?:ed|s|ing)|fak(?:ed|es|ing)) (?:the |their |his |her |our )?(?:\w+ )?(?:results"
    r"|marks|scores|grades|answers|registers?|data|figures|attendance)"
    # sacked, arrested or struck off for something, from wherever
    r"|(?:was|got|been|were|being|is being) (?:sacked|fired|dismissed|suspended|struck off"
    r"|arrested|investigated|let go|kicked out|cautioned|charged|convicted|jailed|banned)"
    r" (?:from (?:his|her|their|the|a|an) (?:\w+ ){0,2})?(?:for|because|after)"
    # favours, cover-ups, insinuations
    r"|got (?:the |her |his |that |this |their )?(?:\w+ ){0,2}(?:job|post|role|promotion"
    r"|position) (?:cos|coz|cuz|because|'cause|as|through|thanks to)"
    r"|(?:after|despite) what (?:he|she|they) (?:did|done|has done|had done)"
    r"|we all know what (?:he|she|they) (?:did|does|done|is|are)"
    r"|knew (?:\w+ ){0,6}and did (?:nothing|nowt|sod all|bugger all|f all|fuck all)"
    r"|did (?:nothing|nowt|sod all|bugger all|f all|fuck all) (?:about|to stop) (?:the |it|this"
    r"|him|her|them)"
    r"|turn(?:ed|s|ing)? a blind eye|swept (?:it|this|everything) under the (?:carpet|rug)"
    r"|ignor(?:ed|es|ing) (?:the |all the |our |my )?(?:bullying|abuse|disclosure|concerns"
    r"|complaints|safeguarding))\b",
    _I,
)
# An act against the law (illegal_conduct) pinned on someone named is an allegation too.
_ILLEGAL_NOT_ALLEGATION = re.compile(r"^(?:stabbed|mugged|beaten up|assaulted)$", _I)
# A story, a lesson or a film, where the thief and the liar are characters.
_FICTION = re.compile(
    r"\b(?:in|from) (?:the|a|our|this) (?:story|book|film|movie|play|panto|pantomime|cartoon"
    r"|poem|song|tale|game|show|musical|nativity|novel)\b|\b(?:a |the )?(?:story|book|film|movie"
    r"|play|panto|poem|song|tale|lesson|assembly|talk|workshop|game) (?:about|of|on)\b"
    r"|\b(?:learn(?:ed|t|ing|s)?|taught|teaching|read|reading|discuss\w*|talk\w*|writing"
    r"|wrote|thinking) about\b|\b(?:acted|acting) out\b|\brole[- ]play\w*"
    r"|\bcharacters?\b|\bnursery rhyme\b|\bfairy ?tale\b|\bpretend\w*\b"
    r"|\bmock (?:trial|court|crime scene)|\bdebat(?:e|ed|ing) (?:whether|if|about)\b"
    r"|\b(?:goldilocks|big bad wolf|red riding hood|three little pigs|gingerbread man"
    r"|robin hood|cinderella|hansel|jack and the beanstalk)\b",
    _I,
)
# "the thief who stole": the allegation is about whoever the relative clause hangs on.
# A whodunnit game or a match won late: "who stole the cookies?", "they stole it at the death".
_GAME = re.compile(
    r"\bwho (?:stole|nicked|took|pinched|ate|swiped)\b[^.!?\n]*\?|\b(?:CSI|murder mystery"
    r"|whodunn?it|detective|escape room|cluedo|treasure hunt)\b"
    r"|\b(?:stole|nicked|pinched|snatched) it (?:in|at|with|right at) (?:the )?(?:last|final"
    r"|dying|death|end)",
    _I,
)
# Crimes that say who did them in their own words: selling what "fell off the back of a lorry".
_OWN_ACT = re.compile(
    r"fell off|no questions|knock|hooky|stolen (?:gear|goods|stuff)|torrent|pirat|illegal"
    r"|download|dodgy"
    r"|(?:sells?|selling|sold|supply|supplying|supplies) ",
    _I,
)
_RELATIVE = re.compile(r"(\w+)\s+(?:who|that|which)\s+(?:\w+\s+)?$", _I)
_ILLEGAL = re.compile(
    # drugs
    r"\b(?:cocaine|coke (?:line|lines|habit|dealer)|lines of coke|(?:did|doing|do|snort\w*) (?:a )?"
    r"(?:lines?|coke|charlie|ket)|cannabis|marijuana|(?:smok\w+|sell\w*|buy\w*|deal\w*|bag of"
    r"|spliff of|joint of|vap\w*|grow\w*) (?:some )?(?:weed|skunk|pot|dope|grass|thc|a joint"
    r"|joints|spliffs?|crack)|weed (?:dealer|smoking)|mdma|ecstasy|pills at|ketamine|heroin"
    r"|crack cocaine|smoking crack|meth(?:amphetamine)?|spliffs?|getting high|got high|stoned"
    r"|(?:were|was|is|are|get|gets) high (?:as a kite|on (?:drugs|weed|something|coke))"
    r"|drug dealers?|deal(?:s|ing|t)? (?:drugs|weed|coke|pills)|(?:been|is|was|were|are) dealing"
    r"(?! with)|(?:selling|sell|sold|buying|bought|supplying|taking|took|take|on) (?:illegal )?"
    r"drugs"
    # theft, break-ins
    r"|stabb(?:ed|ing)|glassed|(?:beat|beating|beaten) (?:him|her|them|someone|a kid|a boy|a girl"
    r"|a man|a woman|a dad|a mum|a parent|a child)(?: up)?|beaten up|beat up|punched (?:him|her"
    r"|them|someone|a|the|my)|(?:got|get|was|were|been|getting) (?:punched|stabbed|beaten|attacked"
    r"|assaulted|mugged|glassed|jumped)|assaulted|mugged|knifed|knife (?:fight|attack)|machete"
    r"|(?:brought|bring|brings|carrying|carries|carried|had|has|pulled|pulls) (?:a |his |her )?"
    r"(?:knife|blade|weapon|gun|machete|knuckle ?duster)"
    r"|threatened (?:\w+ ){1,3}with (?:a )?(?:knife|weapon|gun|bat|blade)|brawl\w*"
    r"|shoplift\w*|stole|stolen|steal|steals|stealing|theft|thieving|robbed|robbery|mugged"
    r"|burgl\w+|broke into|broken into|break-?ins?"
    r"|nicked " + _FAMILY_BORROW + r"(?:it|them|a|some|the|my|his|her|our)"
    r"|(?:pinched|swiped) " + _FAMILY_BORROW + r"(?:a|some|the|my|his|her|our)"
    r"|pocketed|help(?:ed|ing|s)? (?:him|her|them|my|your|our)sel(?:f|ves) to"
    # driving, drink, tobacco and vapes to children
    r"|drink[- ]driv\w*|drunk[- ]driv\w*|drove (?:home )?drunk|driving (?:home )?drunk"
    r"|over the limit|underage drinking|driving without (?:insurance|a licence|a license|tax)"
    r"|(?:gave|give|gives|giving|sold|sell|sells|selling|supplied|supplying|bought|buying|buys)"
    r" (?:\w+ ){0,2}(?:alcohol|booze|vodka|beer|wine|cider|cigarettes|fags|vapes?|e-cigs?)"
    r" (?:to|for) (?:the |some |a |our )?(?:kids|children|pupils|year \d|minors|under-?age"
    r"|teenagers|child|kid|pupil)|sell\w* vapes"
    # damage, fraud, the rest
    r"|vandalis\w+|smashed (?:the |a |some )?windows?|set fire to|arson|graffiti(?:'?d)? (?:on|all"
    r" over)|hack(?:ed|ing) into|fake (?:sick|doctor'?s) note|forg(?:ed|ing) (?:a |the |my |his "
    r"|her )?(?:signature|sick note|note|document)|fiddl(?:ed|ing) (?:the |my |his |her |their )?"
    r"(?:\w+ )?(?:expenses|money|books|accounts|funds)|benefit fraud|tax fraud|tax evasion"
    r"|fare dodg\w+|speeding (?:in|past|outside)"
    r" (?:the )?school|caught speeding|fight(?:ing)? (?:outside|at|in) (?:the )?(?:school|gates"
    r"|playground|pub|car park)|indecent images|upskirt\w*|revenge porn"
    # theft said any way: "has been nicking from", "nicked two of the ipads", stolen goods
    r"|nick(?:ing|s) (?:from|off|out of|stuff|things|money|cash|the|it|them)"
    r"|(?:tak(?:es|ing|en)|took|has been taking) (?:the |some |all the )?(?:money|cash|donations"
    r"|funds) (?:out of|from)|no questions asked"
    r"|nicked (?:\w+ ){0,3}(?:from|off|out of)|nicked (?:two|three|four|five|six|\d+|all|loads"
    r"|a load|a few|some of)|pocket(?:s|ing) (?:the |our |some )?(?:\w+ )?(?:money|cash|funds"
    r"|donations)|skim(?:s|ming|med) (?:off|from)"
    r"|fell off the back of a (?:lorry|van|truck)|knock[- ]?off (?:gear|stuff|designer|trainers"
    r"|phones|perfume|clothes|jumpers|handbags|watches)|(?:stolen|hooky) (?:gear|goods|stuff)"
    r"|on the fiddle|benefit (?:cheat\w*|fiddl\w*)"
    # driving after drink
    r"|(?:drove|drive|drives|driving|driven) (?:\w+ ){0,5}?after (?:\d+|a few|a couple of|two"
    r"|three|four|five|six|seven|several|loads of|a load of|a bottle of|a skinful of)"
    r" (?:\w+ )?(?:pints|drinks|beers?|glasses|bottles|cans|vodkas?|shots|wines?|ciders?|gins?"
    r"|lagers?|prosecco|fizz)"
    r"|(?:drove|driving|drive) (?:\w+ ){0,4}(?:pissed|hammered|drunk|smashed|over the limit)"
    # copying what is not yours
    r"|torrent(?:ed|ing|s)?|pirat(?:ed|ing) (?:films|movies|software|games|copies)"
    r"|illegal(?:ly)? (?:download\w*|stream\w*)|download(?:ed|ing|s)? (?:\w+ ){0,3}illegally"
    r"|dodgy (?:fire ?stick|firestick|streams?)"
    # hands on a child, shoving, locking in: assault said plainly
    r"|(?:put|puts|putting|laid|lays|laying|lay) (?:his|her|their) hands? on (?:him|her|them|my"
    r"|our|a|the|that|this|one of|some of|kids|children|pupils)"
    r"|(?:laid|lay|lays|laying) a (?:finger|hand) on"
    r"|(?:shov(?:e|es|ed|ing)|push(?:es|ed|ing)?|grab(?:s|bed|bing)?|drag(?:s|ged|ging)?"
    r"|yank(?:s|ed|ing)?|throw(?:s|ing)?|threw|manhandl\w+|pinn(?:ed|ing)|shak(?:es|ing)|shook)"
    r" (?:a |the |my |our |his |her |their |one of the |some of the |that |this )?(?:little )?"
    r"(?:child|children|kids?|pupils?|sons?|daughters?|lad|lass|toddler|boys?|girls?)"
    r" (?:into|against|across|onto|to the|down|out of|off)"
    r"|(?:hits|beats|smacks|slaps|thumps|punches|kicks|batters|belts|whacks) (?:him|her|them)\b"
    r"|punch(?:es|ed|ing)? (?:another|the other|some|a|the) (?:\w+ )?(?:dad|mum|man|woman|parent"
    r"|bloke|guy|lad|teacher|kid|boy|girl)"
    r"|didn'?t pay for (?:it|them)sel(?:f|ves)"
    r"|(?:nick|pinch|swip|steal|stole|rob)\w* (?:\w+'s|his|her|their|someone'?s|somebody'?s)"
    r" (?:\w+ ){0,2}(?:trainers|phone|bike|coat|bag|money|wallet|purse|lunch|shoes|ipad|tablet"
    r"|laptop|scooter|watch|jacket|car)"
    r"|(?:stinks?|stank|stinking|smells?|smelt|smelled|smelling|reeks?|reeking|reeked) of (?:weed"
    r"|cannabis|skunk|dope|pot|spliff|ganja)"
    r"|(?:bits?|bags?|some|an eighth|ounces?|oz|grams?|stash|load|lots?|bit|baggie|whiff) of"
    r" (?:weed|skunk|dope|cannabis|ganja)|(?:weed|skunk|dope) (?:left over|going spare|for sale"
    r"|to sell)"
    r"|(?:smok\w+|roll\w*|sharing|shared|had|have|having|skin up|skinned up) (?:a |some |the )?"
    r"(?:joint|spliff|zoot|blunt)s?"
    r"|claim(?:s|ed|ing)? (?:\w+ ){0,3}(?:for|benefits?|universal credit|child benefit"
    r"|allowance|discount) (?:\w+ ){0,4}?(?:when|while|but|even though|though) (?:i|we|he|she"
    r"|they)(?:'ve| have| has|'s)? (?:only|not|never|don'?t|doesn'?t)"
    r"|(?:lied|lie|lying|fibbed) (?:about|on) (?:our|my|his|her|their|the) (?:\w+ )?(?:address"
    r"|application|form|income|age|postcode|catchment)"
    r"|(?:used|gave|give|giving|put) (?:a |my |our |her |his |their )?(?:fake|false|nan'?s"
    r"|gran'?s|mum'?s|friend'?s|sister'?s|brother'?s) address"
    r"|(?:sells?|selling|sold|flogg?(?:s|ing|ed)?) (?:\w+ ){0,2}(?:fake|counterfeit|knock-?off"
    r"|dodgy|hooky|moody|smuggled) \w+|counterfeit (?:\w+ )?(?:goods|gear|money|notes|designer"
    r"|clothes|trainers|shoes|bags|perfume|tobacco|cigarettes)"
    r"|jailbr(?:eak|eaks|eaking|oken|oke)|(?:cracked|dodgy|hooky|moody|modded) (?:\w+ ){0,2}"
    r"(?:iptv|box|fire ?sticks?|streams?|software|games?)|\biptv\b"
    r"|(?:was|were|got|been|being|is being|has been|have been) arrested"
    # hurting or filming children
    r"|(?:hit|hits|hitting|smack(?:s|ed|ing)?|slap(?:s|ped|ping)?|whack(?:s|ed|ing)?|thump(?:s|ed"
    r"|ing)?|belt(?:s|ed|ing)?|punch(?:es|ed|ing)?|kick(?:s|ed|ing)?|strangl\w+|chok(?:es|ed"
    r"|ing)) (?:a |the |my |our |his |her |their |one of the |some of the |that |this )?"
    r"(?:little )?(?:child|children|kids?|pupils?|sons?|daughters?|lad|lass|toddler|boys?"
    r"|girls?)(?!')"
    r"|(?:hit|hits|hitting|smack\w*|slap\w*|whack\w*|clout\w*|thump\w*|belt\w*|punch\w*)"
    r" (?:\w+ ){0,3}(?:round|across|over) the (?:head|face|ear|back of the head)"
    r"|(?:film|photograph|record|video|spie|spy|spying)(?:s|ed|ing)?(?: on)? (?:the |some |a "
    r"|young |little )?(?:girls|boys|kids|children|pupils|child|girl|boy) (?:getting changed"
    r"|changing|undress\w*|in the (?:toilets?|showers?|changing rooms?))"
    r"|(?:sells?|selling|sold|supply|supplying|supplies) (?:\w+ )?(?:vapes?|e-cigs?|cigarettes"
    r"|fags|booze|alcohol) (?:to|for) (?:the |some |our )?(?:kids|children|pupils|(?:year|yr|y) ?\d"
    r"|minors|under-?age))\b",
    _I,
)
# "stole the show", "stolen a minute", "steal a glance": theft only in words.
_FIGURATIVE = re.compile(
    r"(?:stole|stolen|steal|steals|stealing|nicked|pinched|swiped)\s+(?:the\s+|a\s+|my\s+|our\s+"
    r"|his\s+|her\s+|their\s+|your\s+|everyone'?s\s+|some\s+|five\s+|ten\s+|a few\s+)?"
    r"(?:show|limelight|spotlight|win|victory|point|points|goal|march|glance|look|kiss|moment"
    r"|minute|minutes|second|seconds|time|nap|heart|hearts|thunder|idea|ideas|base|bases"
    r"|headlines|biscuit|chips?|sweets?|cuddle|selfie)\b",
    _I,
)
# Someone a crime is pinned on: anyone at all, a child by class or year, a parent.
_SOMEONE = re.compile(
    r"\b(?:someone|somebody|some(?: of the)? (?:kids|boys|girls|parents|mums|dads|pupils|staff)"
    r"|one of (?:the|our|my) \w+|a (?:parent|dad|mum|father|mother|kid|child|boy|girl|pupil"
    r"|teen|teenager|man|woman|neighbour|grandparent|nan|grandad)|(?:year|yr|y) ?\d|class \d"
    r"|reception|parents|mums|dads|kids|boys|girls|pupils|teachers|my (?:neighbour|friend)'?s?"
    r"|his|her|their|(?:some |a |these |those |older |local )?(?:lads|lad|youths|teenagers|teens)"
    r"|my (?:brother|sister|cousin|mate|uncle|husband|wife|partner|ex|dad|mum|son|daughter)"
    r"|dad|mum|father|mother)\b"
    r"|\b(?:year|yr|y) ?\d+s?\b",
    _I,
)
# "my phone was stolen at the gym": a crime against the writer is no link to the school.
_VICTIM = re.compile(
    r"\b(?:was|were|got|been|get|gets|has been|have been)\s+(?:stolen|nicked|robbed|burgled"
    r"|mugged|pinched|swiped|broken into|vandalised|vandalized)$",
    _I,
)
# Pointing at someone without naming them: "and I think we all know who", "naming no names".
_POINTED = re.compile(
    r"\bwe (?:all )?know (?:exactly )?who\b|\bnaming no names\b|\bno names? mentioned\b"
    r"|\b(?:won'?t|not going to|not gonna) name (?:any )?names\b|\byou know who you are\b",
    _I,
)
# "the shop next to Straits", "the lollipop man outside Straits": the school as a place.
_LOCATED = re.compile(
    r"\b(?:outside|near|next to|opposite|behind|by|across from|round the corner from"
    r"|down the road from|up the road from)\s+$",
    _I,
)
# One person by a job that is not the school's: "the treasurer", "the lollipop man".
_PERSON_ROLE = re.compile(
    r"\b(?:the|our|that|this|their|his|her)\s+(?:treasurer|PTA (?:chair|treasurer|secretary)"
    r"|chair of the PTA|lollipop (?:man|lady|woman)|crossing patrol|minibus driver|coach driver"
    r"|bus driver|bursar|club leader|coach|instructor|tutor|childminder|landlord)\b",
    _I,
)
_FIRST_PERSON_ANY = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|myself|we|we're|we've|us)\b", _I)


_CRITICISM = re.compile(
    r"\b(?:SCHOOLREF)\s+(?:is|are|was|were|has been|have been|'s|'re)\s+(?:so |really |absolutely "
    r"|completely |totally |utterly |such an? |an? |an absolute |the |just |a total |a complete )*"
    r"(?:useless|incompetent|hopeless|clueless|a shambles|shambolic|a joke|a disgrace|disgraceful"
    r"|appalling|awful|terrible|rubbish|pathetic|ridiculous|shocking|outrageous|unacceptable"
    r"|disgusting|failing|a failure|a mess|shameful|spineless|out of touch|not fit for purpose"
    r"|worse than useless|a nightmare|a waste of space|beyond a joke|lazy|unprofessional"
    r"|biased|rude|uncaring|useless at|not good enough|the worst|getting worse)"
    r"|\b(?:worst|useless|incompetent|pathetic|terrible|awful|rubbish|appalling|shambolic|hopeless"
    r"|disgraceful|ridiculous|shocking|absurd|stupid|unfair|joke of a|excuse for a|clueless"
    r"|spineless|lazy|unprofessional)\s+(?:\w+\s+)?(?:school|head|headteacher|head teacher"
    r"|teachers?|staff|leadership|governors|communication|decision|policy|management|office"
    r"|SLT|rules?|uniform policy|homework policy|behaviour policy)\b"
    r"|\b(?:disappointed|fuming|furious|angry|appalled|disgusted|sick and tired|fed up|let down)"
    r" (?:with|at|by|of) (?:the |this |our |my )?(?:school|head|headteacher|head teacher"
    r"|teachers?|staff|leadership|governors|office|SLT|SCHOOLNAME)"
    r"|\b(?:the |this |our |my )?(?:school|head|headteacher|teachers?|staff|leadership|governors"
    r"|office|SLT|SCHOOLNAME)\s+(?:(?:doesn'?t|does not|don'?t|do not|never|can'?t|cannot|won'?t"
    r"|refuses? to|couldn'?t)\s+(?:even\s+)?(?:care|listen|bother|communicate|respond|reply"
    r"|answer|be bothered|do anything|do a thing|lift a finger|get (?:it|anything) right"
    r"|organi[sz]e|manage|keep (?:children|kids)"
    r" safe|deal with (?:bullying|it)|do (?:their|its|his|her) job)"
    r"|never (?:repl(?:y|ies)|responds?|answers?|listens?|cares?|communicates?|bothers?))"
    r"|\b(?:what a|absolute|complete|total|utter) (?:joke|shambles|farce|disgrace|mess)\b"
    r"|\b(?:ridiculous|stupid|pointless|unfair|absurd|crazy|bonkers|mad) (?:decision|rule|policy"
    r"|idea)\b|\b(?:thanks for nothing|sort it out|get a grip|should be ashamed|shame on)\b"
    r"|\b(?:another|yet another) (?:inset day|pointless|ridiculous|useless)\b"
    # what the school has done to a family: "the school has let my son down"
    r"|\b(?:SCHOOLREF)(?:'s)?\s+(?:has|have|had|is|are|was|were)?\s*(?:really |completely "
    r"|totally |utterly |just |still )?(?:refuses? to (?:let|allow)|refused to (?:let|allow)"
    r"|ruined|(?:is )?ruining|done (?:absolutely )?(?:nothing|nowt|sod all)|gone downhill"
    r"|going downhill|let (?:me|us|my \w+|our \w+"
    r"|him|her|them|everyone|the kids|the children|parents) down|failed (?:my|our|the|his|her"
    r"|their|these)? ?(?:son|daughter|child|children|kids|pupils|boy|girl|family|families)"
    r"|no idea|no clue|lost the plot|got it (?:so |all )?wrong|messed (?:it |this |everything )?up"
    r"|dropped the ball|made a (?:right |complete |total )?(?:mess|hash|pig'?s ear)"
    r"|mishandled|swept (?:it|this|everything) under the carpet|keeps? (?:moving the goalposts"
    r"|changing (?:the|their|its) mind|cancelling|messing (?:us|parents) about)"
    r"|(?:moving|moved) the goalposts|(?:never|don'?t|doesn'?t|won'?t|can'?t) tell (?:us|parents"
    r"|anyone) anything|couldn'?t care less|needs? to (?:go|resign|step down|be replaced"
    r"|get a grip|sort (?:it|this|themselves|itself) out|wake up)|should (?:resign|step down"
    r"|be ashamed|hang (?:their|his|her|its) heads?))"
    # the school's handling, communication, decisions or rules, judged
    r"|\b(?:SCHOOLREF)(?:'s|s')?\s+(?:new |latest |current )?(?:handling|communication|response"
    r"|organisation|organization|decision|decisions|policy|policies|rules?|attitude|leadership"
    r"|management|approach|treatment|uniform policy|homework policy|behaviour policy)\b"
    r"(?:\s+(?:of|to|on|over) (?:\w+ ){0,3}?)?\s*(?:is|are|was|were|has been|have been|'s)"
    r"\s+(?:so |really |absolutely |completely |totally |utterly |just |beyond |an? |the )*"
    r"(?:appalling|awful|terrible|rubbish|pathetic|ridiculous|shocking|a joke|a disgrace"
    r"|disgraceful|a shambles|shambolic|useless|non-existent|nonexistent|poor|dreadful|woeful"
    r"|atrocious|laughable|unacceptable|a nightmare|a mess|unfair|absurd|the worst|diabolical)"
    r"|\b(?:the |this |their |its |our )?(?:new |latest )?(?:uniform|homework|behaviour|phone"
    r"|parking|lateness|attendance|packed lunch|lunchbox|snack|haircut|hair|jewellery|pick-?up"
    r"|drop-?off|detention|reward|house points?) (?:policy|policies|rules?|system)\s+(?:is|are"
    r"|was|has been)\s+(?:so |really |absolutely |completely |totally |utterly |just |an? |the )*"
    r"(?:appalling|awful|terrible|rubbish|pathetic|ridiculous|shocking|a joke|a disgrace"
    r"|disgraceful|a shambles|shambolic|useless|stupid|petty|draconian|a nightmare|unfair"
    r"|absurd|over the top|OTT|mad|bonkers|crazy|insane|nonsense)"
    r"|\b(?:poor|terrible|awful|zero|no|non-existent|rubbish|shocking|appalling|useless|lack of)"
    r" (?:communication|organisation|organization|leadership|management|support|response"
    r"|follow[- ]up) (?:from|by|at|with) (?:the |this |our |my )?(?:class |form )?(?:SCHOOLREF)"
    # how a parent feels about the school
    r"|\b(?:not (?:at all |very |remotely )?(?:impressed|happy|pleased|satisfied)|(?:really |very "
    r"|so |extremely |absolutely )?(?:unhappy|upset|annoyed|livid|cross|frustrated|gutted"
    r"|unimpressed|dissatisfied|sick|tired|embarrassed|ashamed|disappointed))"
    r" (?:with|at|by|about|of) (?:how |the way )?"
    r"(?:SCHOOLREF)"
    r"|\b(?:shocking|disgraceful|appalling|ridiculous|unbelievable|pathetic|typical) (?:how|that)"
    r" (?:SCHOOLREF)"
    r"|\bcan'?t believe (?:SCHOOLREF) (?:let|allowed|did|would|has|have|cancelled|made|thinks?)"
    r"|\bwhy (?:does|do|did|can'?t|won'?t|doesn'?t|don'?t|is|are|has|have) (?:SCHOOLREF)"
    r" (?:never|not|always|keep|even bother|think|insist|been allowed|allowed|refuse)"
    r"|\b(?:nobody|no-?one|no one) (?:at |in )(?:charge|(?:SCHOOLREF)) (?:ever |even )?"
    r"(?:listens|cares|bothers|answers|replies|responds|does anything|gives a|can be bothered"
    r"|could be bothered)"
    r"|\bwho(?:ever)? (?:decided|thought) (?:that )?[^.!?\n]{1,60}? (?:was|were|is) a (?:good"
    r"|great|brilliant|clever|genius|sensible) idea"
    r"|\b(?:told|report(?:ed)? (?:\w+ ){0,4}?to|emailed|rang|phoned) (?:the office|the school"
    r"|the head|the teacher|them|school|the staff)"
    r"[^.!?\n]{0,20}?,? (?:and )?(?:still )?(?:nothing (?:was |has been |got )?done"
    r"|nothing happened|nothing changed|nothing)\b"
    r"|\btypical (?:SCHOOLREF)(?=\s*[,.!?;:-]|\s+(?:again|as usual|as always)\b)"
    r"|\b(?:absolutely |so |really )?(?:fuming|furious|livid|raging|seething|disgusted"
    r"|appalled)\b(?=[^.!?\n]{0,40}?\b(?:SCHOOLREF)\b)",
    _I,
)
# What is said of the school or its staff that judges them; the subject is looked for before it
# (Text.staff_referent): "Mr Bamford is clueless", "the head just doesnt listen to parents".
_ADV = (
    r"(?:so|really|absolutely|completely|totally|utterly|just|such|bloody|fucking|always|still"
    r"|getting|being|quite|very|pretty|a bit|beyond|honestly|actually|literally|genuinely"
    r"|seriously|an|a|the|proper|right|well|dead|a complete|a total|an absolute)\s+"
)
_JUDGED = re.compile(
    r"\b(?:is|are|was|were|has been|have been|'s|'re|being|been|seems?|seem to be|looks?|r)\s+"
    r"(?:" + _ADV + r")*(?:useless|clueless|incompetent|hopeless|shambolic|a shambles|a joke"
    r"|a disgrace|disgraceful|rubbish|pathetic|lazy|rude|unprofessional|stuck[- ]up|snobby"
    r"|snobs|snooty|arrogant|patronising|patronizing|condescending|two[- ]faced|unapproachable"
    r"|a nightmare|terrible|awful|appalling|dreadful|diabolical|woeful|atrocious|shocking"
    r"|out of (?:touch|order|(?:their|his|her) depth)|not fit for purpose|not up to (?:it|the job)"
    r"|a waste of (?:space|time|money|oxygen)|a bunch of|a load of|a pack of|a farce|a mess"
    r"|a circus|a clown|clowns|muppets|amateurs|jokers|spineless|biased|unfair|uncaring"
    r"|dismissive|unhelpful|disorgani[sz]ed|chaotic|inept|incapable|inconsistent|laughable"
    r"|an embarrassment|embarrassing|a let ?down|full of (?:themselves|himself|herself)"
    r"|up (?:themselves|himself|herself)|power[- ]mad|a law unto (?:themselves|himself|herself)"
    r"|vile|horrible|nasty|cold|the worst|getting worse|worse than useless|failing"
    r"|no help|no use|no good|not good enough|not listening|never there|a glorified \w+)\b"
    r"|\b(?:shouldn'?t|should not|should never|shouldnt) be (?:allowed )?(?:near|around|with"
    r"|working with|in charge of) (?:kids|children|pupils|young people)\b"
    r"|\b(?:ha(?:s|ve)|'s got|got|plays?|playing) (?:obvious |clear |such |their |his |her )?"
    r"favourites\b"
    r"|\bfail(?:s|ed|ing)? to (?:respond|reply|answer|act|deal with|follow (?:it )?up"
    r"|acknowledge|return|listen|investigate|protect|safeguard|inform|tell|communicate"
    r"|take (?:it|this|action))\b"
    r"|\b(?:has|have|had|'ve|'s) (?:done|said) (?:absolutely )?(?:nothing|nowt|sod all"
    r"|bugger all|fuck all|f all)\b"
    r"|\b(?:say(?:s|ing)?|said|tell(?:s|ing)?|told) (?:parents |us |anyone )?(?:nothing|nowt)"
    r" (?:to|about) (?:parents|us|anyone|families)\b"
    r"|\bruin(?:s|ed|ing)? (?:what was |the |this |our |a )"
    r"|\btast(?:e|es|ed|ing) like (?:cardboard|crap|shit|rubbish|sick|dog food|plastic|nothing"
    r"|mush|slop)\b"
    r"|\b(?:doesn'?t|does not|don'?t|do not|never|can'?t|cannot|won'?t|wont|refuses? to"
    r"|couldn'?t|didn'?t|did not|dont|doesnt|cant|didnt|couldnt)\s+(?:even\s+|ever\s+|bother"
    r" to\s+|seem to\s+)?(?:listens?|cares?|bothers?|reply|replies|responds?|answers?"
    r"|communicates?|says? hello|smiles?|helps?|supports?|gets? back|returns? (?:calls|emails|my)"
    r"|follows? (?:it )?up|be bothered|be arsed|meet (?:parents|us|me|with)|do anything"
    r"|do a thing|lift a finger|fix (?:it|anything)|tells? (?:us|parents"
    r"|anyone)|keep (?:us|parents) (?:informed|updated|in the loop)|know what|have a clue"
    r"|deal with|do (?:anything|their job|his job|her job|its job|owt)|take (?:it|this|bullying"
    r"|us|parents|concerns) seriously|give a (?:damn|toss|shit|monkey'?s|crap))\b"
    r"|\bneeds? (?:a )?(?:sacking|the sack|replacing|to (?:go|be sacked|resign|retire|be replaced"
    r"|be removed|step down))\b|\bshould (?:be sacked|be fired|resign|retire|get the sack"
    r"|step down|be ashamed)\b"
    r"|\b(?:sets?|setting|gives?|giving|gave) (?:\w+ ){0,2}(?:way |far |much |so )?too"
    r" (?:much|many|little|few)\b"
    r"|\b(?:ha(?:s|ve)|had|got|'ve|'s) (?:got )?(?:no|zero) (?:idea|clue|control|respect|empathy"
    r"|common sense|interest|backbone)\b"
    r"|\b(?:ignor(?:es|ed|ing) (?:us|me|parents|my|our|emails|every)|fob(?:s|bed|bing)? (?:us"
    r"|me|parents) off|talks? down to|shout(?:s|ed|ing)? at (?:the )?(?:kids|children|my|our))\b",
    _I,
)
# Complaints with the school in their words already: a reply that never came, a rule cursed,
# a question that is an accusation.
_COMPLAINT = re.compile(
    r"\b(?:still )?no (?:reply|response|answer|word|call back|callback|update)s? (?:from|back"
    r" from) (?:the |this )?(?:school|office|head|teacher|SENCO|class teacher|staff)"
    r"|\b(?:(?:still )?(?:waiting|chasing) (?:for )?(?:a |an )?(?:reply|response|answer|call"
    r" back) from) (?:the |this )?(?:school|office|head|teacher|SENCO)"
    r"|\b(?:bollocks|sod|stuff|screw|fuck|f\*+k?|damn|to hell with|down with) (?:to |with )?"
    r"(?:the |their |this |these |that )?(?:new |stupid |ridiculous |latest )?(?:uniform"
    r"|homework|behaviour|phone|parking|school|lunchbox|packed lunch|haircut|hair|jewellery"
    r"|pick-?up|drop-?off|detention|attendance)s? ?(?:rules?|polic(?:y|ies)|system|changes?)?\b"
    r"|\bhow (?:is|was|can|could) (?:that|this|any of this|it) (?:be )?(?:safe|acceptable"
    r"|allowed|ok|okay|right|legal|fair)\b"
    r"|\b(?:way |far |much )?too much homework\b"
    r"|\b(?:disgusting|disgraceful|outrageous|scandalous|shameful|absurd|unreal|sad"
    r"|unbelievable|typical|shocking|appalling|ridiculous) (?:that|how)\b(?=[^.!?\n]{0,60}\b"
    r"(?:school|head|staff|teachers?|governors|office|SLT|SCHOOLNAME)\b)",
    _I,
)
# "absolute joke" on its own says nothing of whom: where the sentence is about another body, it is
# about that body ("the council still hasn't gritted the road by the school, absolute joke").
_EXCLAIMED = re.compile(r"(?:what a|absolute|complete|total|utter) ", _I)
_OTHER_BODY = re.compile(
    r"\b(?:the )?(?:council|government|DfE|NHS|police|bus company|highways|Royal Mail|network rail"
    r"|Tories|Labour|ministers?|the LA|local authority|water board|energy company)\b",
    _I,
)
# Sarcasm is left alone: "genius security" is praise in its words.
_DECISIONS = re.compile(r"\b(?:decision|decided|policy|rule|rules|ban|banned|cancel\w*)\b", _I)
_NEGATED = re.compile(r"\b(?:not|never|n't|no|hardly)\s+(?:\w+\s+)?$", _I)


# Words one of which a text must hold for a pattern to be worth running: a substring test per word
# is far cheaper than the pattern, and most posts hold none of them.
_NEEDLES: dict[str, tuple[str, ...]] = {
    "confidential": (
        "confiden",
        "not for",
        "not to be",
        "between you",
        "between our",
        "off the record",
        "keep this",
        "keep it",
        "tell anyone",
        "hush",
        "share",
        "forward",
        "repost",
        "screenshot",
        "pass on",
        "eyes only",
        " only",
        "announced",
        "public",
    ),
    "pupil_data": (
        "ehc",
        "annual",
        "review",
        "funding",
        "sen ",
        "reading ages",
        "data",
        "spreadsheet",
        "tracker",
        "sheet",
        "records",
        "log",
        "ofsted",
        "inspect",
    ),
    "incident": (
        "scrap",
        "fight",
        "punch",
        "scuffle",
        "tussle",
        "bust",
        "excluded",
        "suspended",
        "sent home",
        "report",
        "isolation",
        "restrained",
        "bit ",
        "kicked",
        "hit ",
        "scratched",
        "spat",
    ),
    "dob": ("dob", "d.o.b", "birth", "born on"),
    "health": (
        "education",
        "special",
        "statement",
        "one-to-one",
        "one to one",
        "1:1",
        "autis",
        "dyslex",
        "dyspra",
        "dyscalc",
        "developmental",
        "learning disab",
        "speech and",
        "mental health",
        "anxiety",
        "depress",
        "self",
        "eating dis",
        "anorex",
        "bulim",
        "diabet",
        "epilep",
        "seizure",
        "asthma",
        "epi",
        "anaphyla",
        "allerg",
        "medicat",
        "diagnos",
        "ritalin",
        "cancer",
        "chemo",
        "leuk",
        "pregnan",
        "miscarr",
        "terminal",
        "hospital",
        "wheelchair",
        "hearing",
        "visually",
        "cerebral",
        "down",
        "tourette",
        "free school",
        "pupil premium",
        "young carer",
        "sen ",
        "behaviour plan",
        "exclu",
        "on report",
        "reduced time",
        "managed move",
    ),
    "acronyms": (
        "EHC",
        "SEN",
        "IEP",
        "ASD",
        "ADHD",
        "SALT",
        "CAMHS",
        "OCD",
        "PTSD",
        "FSM",
        "HIV",
        "ASC",
    ),
    "case": (
        "cp ",
        "child protection",
        "child in need",
        "cin ",
        "47",
        "strategy",
        "lado",
        "mash",
        "marac",
        "referr",
        "safeguarding",
        "looked",
        "lac ",
        "pep ",
        "foster",
        "into care",
        "care order",
        "disclos",
        "investigation by",
    ),
    "case_weak": (
        "social",
        "children's serv",
        "childrens serv",
        "foster",
        "in care",
        "early help",
        "police",
        "domestic",
        "neglect",
        "abuse at home",
        "bruis",
        "referral",
        "safeguarding",
        "prison",
        "jail",
        "bars",
        "divorc",
        "separat",
        "split",
        "order",
        "injunction",
        "custody",
        "evict",
        "homeless",
        "food",
        "accommodation",
        "stress",
        "signed off",
        "nits",
        "lice",
        "wet ",
        "soiled",
        "bereave",
        "refugee",
        "asylum",
    ),
    "business": (
        "redundant",
        "posts",
        "jobs",
        "roles",
        "contract",
        "suspend",
        "pending",
        "being",
        "budget",
        "redundan",
        "restructur",
        "disciplinary",
        "grievance",
        "tribunal",
        "suspended",
        "misconduct",
        "capability",
        "settlement",
        "ofsted",
        "inspection",
        "before it",
        "before they",
        "unpublished",
        "embargo",
        "salar",
        " pay ",
    ),
    "security": (
        "empty",
        "tailgat",
        "only me",
        "just me",
        "only us",
        "camera",
        "alarm",
        "locking",
        "could",
        "exit",
        "entrance",
        "cctv",
        "get in",
        "walk in",
        "climb",
        "adult",
        "member of staff",
        "login",
        "log-in",
        "log in",
        "password",
        "code",
        "combination",
        "combo",
        "pin",
        "key",
        "lock",
        "password",
        "passcode",
        "passwd",
        "pwd",
        "username",
        "login",
        "log-in",
        "alone",
        "own in",
        "by my",
        "by her",
        "by him",
        "by them",
        "only one",
        "last one",
        "first one",
        "empty",
        "unmanned",
        "unlocked",
        "open",
        "unattended",
        "nobody",
        "alarm",
        "cctv",
        "camera",
        "gate",
        "fence",
        "intercom",
        "security",
        "rota",
        "duty",
        "nobody",
        "number",
        "keypad",
        "door",
        "safe",
        "username",
        "log in",
        "login",
        "key",
        "just me",
        "last",
        "locking",
        "fence",
        "window",
        "exit",
        "anyone can",
        "unprotected",
        "my own",
        "her own",
        "his own",
    ),
    "threat": (
        "smack",
        "thump",
        "wallop",
        "lamp",
        "headbutt",
        "break",
        "kill",
        "murder",
        "stab",
        "shoot",
        "hurt",
        "batter",
        "smash",
        "beat",
        "punch",
        "slap",
        "knock",
        "burn",
        "strangle",
        "throttle",
        "end ",
        "bash",
        "deck",
        "glass",
        "get ",
        "find",
        "watch",
        "regret",
        "pay for",
        "where",
        "dead",
        "deserve",
        "should be",
        "wait till",
        "lights",
        "teeth",
        "block",
        "slap",
        "smack",
        "kicking",
        "hiding",
        "s coming",
        "hope you",
        "hope he",
        "hope she",
        "hope they",
        "hope u",
        "drop dead",
        "die in",
        "go die",
        "and die",
        "sort you",
        "sort him",
        "sort her",
        "sort them",
        "sort u",
    ),
    "sneer": (
        "stuck",
        "jumped",
        "snotty",
        "snooty",
        "miserable",
        "nasty",
        "horrible",
        "vile",
        "lazy",
        "useless",
        "fat ",
        "ugly",
        "stupid",
        "silly",
        "smug",
        "gobby",
        "mouthy",
        "two",
        "old ",
        "dozy",
        "thick",
    ),
    "insult": (
        "mum",
        "mam",
        "mom",
        "dad",
        "mother",
        "sister",
        "brother",
        "nan",
        "gran",
        "you",
        "ya ",
        "u ",
        "such a",
        "what a",
        "absolute",
        "total",
        "complete",
        "utter",
        "fat ",
        "stupid",
        "ugly",
        "silly",
        "old ",
        "thick",
        "dirty",
        "lazy",
        "useless",
        "ur ",
        "he's",
        "she's",
        "he is",
        "she is",
        "they",
        "u r",
        "hes ",
        "shes ",
    ),
    # Criticism is of the school, its people or its rules: one of these must be there too.
    "criticism_target": (
        "charge",
        "office",
        "club",
        "dinners",
        "head",
        "kids",
        "children",
        "pupils",
        "hall",
        "play",
        "lunch",
        "trip",
        "reception",
        "supervis",
        "dinner",
        "kitchen",
        "senco",
        "dsl",
        "caretaker",
        "deputy",
        "mr ",
        "mrs ",
        "miss ",
        "ms ",
        "homework",
        "school",
        "head",
        "teacher",
        "staff",
        "leader",
        "governor",
        "office",
        "slt",
        "management",
        "decision",
        "policy",
        "policies",
        "rule",
        "communication",
        "organis",
        "organiz",
        "inset",
        "joke",
        "shambles",
        "farce",
        "disgrace",
        "mess",
        "thanks for nothing",
        "sort it out",
        "get a grip",
        "shame on",
        "ashamed",
        "uniform",
        "homework",
        "detention",
        "system",
        "idea",
        "response",
        "support",
        "follow",
        "trust",
    ),
    "groups": (
        "muslim",
        "moslem",
        "jew",
        "black",
        "asian",
        "paki",
        "immigra",
        "migrant",
        "foreign",
        "asylum",
        "refugee",
        "pole",
        "polish",
        "romanian",
        "european",
        "gyps",
        "traveller",
        "gay",
        "lesbian",
        "trans",
        "women",
        "girls",
        "disabled",
        "chinese",
        "indian",
        "african",
        "arab",
        "catholic",
        "christian",
        "hindu",
        "sikh",
        "lgbt",
        "queer",
        "back to",
        "back where",
    ),
    "masked": ("*", "#", "@", "f u c", "s h i"),
    "allegation": (
        "lock",
        "nearly",
        "almost",
        "where",
        "pay for it",
        "credit for",
        "fiddl",
        "help",
        "skim",
        "swip",
        "rob",
        "fleec",
        "keep",
        "kept",
        "whack",
        "thump",
        "belt",
        "punch",
        "clout",
        "clip",
        "film",
        "photograph",
        "video",
        "watch",
        "spie",
        "spy",
        "answers",
        "changed",
        "altered",
        "alter",
        "fudg",
        "doctor",
        "fak",
        "suspend",
        "kicked out",
        "caution",
        "charged",
        "convicted",
        "jailed",
        "got ",
        "post",
        "role",
        "promotion",
        "position",
        "what he",
        "what she",
        "what they",
        "knew",
        "nothing",
        "nowt",
        "sod all",
        "bugger all",
        "f all",
        "fuck all",
        "blind eye",
        "swept",
        "ignor",
        "stol",
        "steal",
        "nick",
        "pocket",
        "pinch",
        "embezzl",
        "fiddl",
        "fraud",
        "on the take",
        "helped",
        "liar",
        "thief",
        "crook",
        "abuser",
        "paedo",
        "pedo",
        "nonce",
        "predator",
        "groom",
        "bully",
        "racist",
        "drunk",
        "alcoholic",
        "druggie",
        "junkie",
        "criminal",
        "cheat",
        "perv",
        "offender",
        "lied",
        "lies",
        "lying",
        "pissed",
        "hammered",
        "wasted",
        "high",
        "stoned",
        "off his",
        "off her",
        "drinks",
        "hungover",
        "hit",
        "smack",
        "slap",
        "kick",
        "grab",
        "shove",
        "push",
        "shook",
        "abus",
        "assault",
        "touch",
        "inappropriate",
        "cover",
        "drugs",
        "coke",
        "cocaine",
        "lines",
        "falsif",
        "corrupt",
        "bribe",
        "sacked",
        "fired",
        "struck off",
        "arrested",
        "locked up",
        "prison",
        "jail",
        "prosecut",
        "investigat",
        "removed",
        "suspended",
        "record",
        "conviction",
        "thieves",
        "crooks",
        "bullies",
        "racis",
        "sexis",
        "phobic",
        "bent",
        "dodgy",
        "creep",
        "pest",
        "beater",
        "con",
        "scam",
        "dealer",
        "wrong 'un",
        "bull",
        "pick",
        "victimis",
        "harass",
        "yank",
        "drag",
        "manhandl",
        "restrain",
        "threw",
        "hurt",
        "bruis",
        "made up",
        "makes up",
        "making up",
        "telling",
        "tells",
        "told",
        "spread",
        "caught",
        "affair",
        "sleeping with",
        "took",
        "takes",
        "taking",
        "till",
        "missing",
        "hiding",
        "whitewash",
        "doctored",
        "fudged",
        "massaged",
        "cooked",
        "faked",
        "rigged",
        "job",
        "let go",
        "dismissed",
        "banned",
        "barred",
        "fancies",
        "always",
        "often",
        "constantly",
        "usually",
        "regularly",
        "clearly",
        "obviously",
    ),
    "illegal": (
        "hand",
        "finger",
        "shov",
        "push",
        "grab",
        "drag",
        "yank",
        "throw",
        "threw",
        "manhandl",
        "pinn",
        "shak",
        "shook",
        "lock",
        "hits",
        "beats",
        "smacks",
        "slaps",
        "thumps",
        "punch",
        "kicks",
        "batters",
        "belts",
        "whacks",
        "nearly",
        "almost",
        "zig",
        "stink",
        "stank",
        "smell",
        "smelt",
        "reek",
        "weed",
        "skunk",
        "dope",
        "cannabis",
        "ganja",
        "joint",
        "spliff",
        "zoot",
        "blunt",
        "claim",
        "lied",
        "lie ",
        "lying",
        "fibbed",
        "address",
        "fake",
        "counterfeit",
        "knock",
        "dodgy",
        "hooky",
        "moody",
        "smuggled",
        "jailbr",
        "cracked",
        "iptv",
        "modded",
        "arrested",
        "fiddl",
        "help",
        "pay for it",
        "taking",
        "took",
        "questions asked",
        "nick",
        "pocket",
        "skim",
        "lorry",
        "van",
        "truck",
        "knock",
        "hooky",
        "stolen",
        "fiddle",
        "benefit",
        "drive",
        "driv",
        "pint",
        "torrent",
        "pirat",
        "illegal",
        "download",
        "firestick",
        "fire stick",
        "stream",
        "hit",
        "smack",
        "slap",
        "whack",
        "thump",
        "belt",
        "kick",
        "strangl",
        "chok",
        "clout",
        "film",
        "photograph",
        "record",
        "video",
        "spie",
        "spy",
        "sell",
        "sold",
        "suppl",
        "cocaine",
        "coke",
        "lines",
        "charlie",
        "ket",
        "cannabis",
        "marijuana",
        "weed",
        "skunk",
        "pot",
        "dope",
        "grass",
        "mdma",
        "ecstasy",
        "pills",
        "heroin",
        "crack",
        "meth",
        "spliff",
        "high",
        "stoned",
        "drug",
        "stabb",
        "glassed",
        "beat",
        "punched",
        "knife",
        "knifed",
        "machete",
        "shoplift",
        "stole",
        "robbe",
        "burgl",
        "nicked",
        "drink",
        "drunk",
        "drove",
        "driving",
        "over the limit",
        "underage",
        "vandal",
        "smashed",
        "set fire",
        "arson",
        "hack",
        "fake",
        "fiddl",
        "fraud",
        "fare dodg",
        "speeding",
        "fight",
        "dealing",
        "vap",
        "grow",
        "steal",
        "theft",
        "thiev",
        "broke",
        "broken",
        "break",
        "pinched",
        "swiped",
        "pocketed",
        "helped",
        "punch",
        "attack",
        "assault",
        "mugged",
        "jumped",
        "knife",
        "blade",
        "weapon",
        "gun",
        "threatened",
        "brawl",
        "insurance",
        "licen",
        "alcohol",
        "booze",
        "vodka",
        "beer",
        "wine",
        "cider",
        "cigarette",
        "fags",
        "e-cig",
        "graffiti",
        "forg",
        "evasion",
        "indecent",
        "upskirt",
        "revenge porn",
    ),
    "criticism": (
        "bothered",
        "arsed",
        "meet",
        "anything",
        "a thing",
        "finger",
        "fix",
        "glorified",
        "allowed",
        "favourites",
        "fail",
        "nothing",
        "nowt",
        "sod all",
        "bugger all",
        "fuck all",
        "ruin",
        "like",
        "charge",
        "no-one",
        "no one",
        "idea",
        "told",
        "embarrass",
        "ashamed",
        "disappoint",
        "refuse",
        "refused",
        "why ",
        "stuck",
        "snob",
        "snoot",
        "arrogant",
        "patronis",
        "patroniz",
        "condescend",
        "two",
        "unapproach",
        "diabolical",
        "out of",
        "up to",
        "bunch",
        "load of",
        "pack of",
        "circus",
        "clown",
        "muppet",
        "amateur",
        "joker",
        "dismissive",
        "unhelpful",
        "disorgan",
        "chaotic",
        "inept",
        "incapable",
        "inconsistent",
        "embarrass",
        "full of",
        "up them",
        "up him",
        "up her",
        "power",
        "law unto",
        "vile",
        "horrible",
        "nasty",
        "cold",
        "no help",
        "no use",
        "no good",
        "listen",
        "sack",
        "replac",
        "resign",
        "retire",
        "step down",
        "too much",
        "too many",
        "too little",
        "too few",
        "clue",
        "ignor",
        "fob",
        "talks down",
        "shout",
        "no reply",
        "no response",
        "no answer",
        "no word",
        "waiting",
        "chasing",
        "bollocks",
        "sod ",
        "stuff",
        "screw",
        "fuck",
        "f*",
        "damn",
        "hell with",
        "down with",
        "how is",
        "how was",
        "how can",
        "how could",
        "scandal",
        "unreal",
        "sad ",
        "dont",
        "doesnt",
        "cant",
        "wont",
        "didnt",
        "couldnt",
        " r ",
        "useless",
        "incompetent",
        "hopeless",
        "clueless",
        "shambl",
        "joke",
        "disgrace",
        "appalling",
        "awful",
        "terrible",
        "rubbish",
        "pathetic",
        "ridiculous",
        "shocking",
        "outrageous",
        "unacceptable",
        "disgusting",
        "fail",
        "mess",
        "shame",
        "spineless",
        "out of touch",
        "not fit",
        "nightmare",
        "waste",
        "lazy",
        "unprofessional",
        "biased",
        "rude",
        "uncaring",
        "not good enough",
        "worst",
        "worse",
        "disappointed",
        "fuming",
        "furious",
        "angry",
        "appalled",
        "disgusted",
        "sick and tired",
        "fed up",
        "let down",
        "n't",
        "not",
        "never",
        "cannot",
        "refuse",
        "farce",
        "stupid",
        "pointless",
        "unfair",
        "absurd",
        "crazy",
        "bonkers",
        "mad ",
        "thanks for nothing",
        "sort it out",
        "get a grip",
        "another",
        "excuse",
        "downhill",
        "let ",
        "failed",
        "no idea",
        "no clue",
        "plot",
        "wrong",
        "messed",
        "dropped",
        "made a",
        "mishandl",
        "carpet",
        "goalposts",
        "keep",
        "couldn't",
        "need",
        "should",
        "poor",
        "zero",
        "no ",
        "lack of",
        "impressed",
        "happy",
        "pleased",
        "satisf",
        "upset",
        "annoyed",
        "livid",
        "cross",
        "frustrat",
        "gutted",
        "sick",
        "tired",
        "unbeliev",
        "typical",
        "can't believe",
        "cant believe",
        "why ",
        "nobody",
        "dreadful",
        "woeful",
        "atrocious",
        "laughable",
        "diabolical",
        "petty",
        "draconian",
        "over the top",
        "ott",
        "insane",
        "nonsense",
    ),
}
_DIGIT = re.compile(r"\d")
# The acronyms are matched in the text as written; every other key in lower case.
_CASED_KEYS = frozenset({"acronyms"})


_Scan = tuple[dict[str, tuple[tuple[str, frozenset[str]], ...]], frozenset[str]]


def _needle_scan(keys: Iterable[str]) -> _Scan:
    """Every needle of these keys, filed under its first two characters: a text's own pairs of
    characters pick the few needles worth a substring test, so the cost of the gate hardly grows
    with the number of needles."""
    owners: dict[str, set[str]] = {}
    for key in keys:
        for needle in _NEEDLES[key]:
            owners.setdefault(needle, set()).add(key)
    by_start: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for needle, who in owners.items():
        by_start.setdefault(needle[:2], []).append((needle, frozenset(who)))
    return {k: tuple(v) for k, v in by_start.items()}, frozenset(by_start)


_SCAN_LOWER = _needle_scan(k for k in _NEEDLES if k not in _CASED_KEYS)
_SCAN_CASED = _needle_scan(_CASED_KEYS)


def _keys_in(text: str, scan: _Scan) -> set[str]:
    by_start, starts = scan
    pairs = {text[i : i + 2] for i in range(len(text) - 1)} | set(text)
    found: set[str] = set()
    for pair in pairs & starts:
        for needle, keys in by_start[pair]:
            if not keys <= found and needle in text:
                found |= keys
    return found


# -- the check ------------------------------------------------------------------------------------


class Text:
    """One text being checked: tokens, sentences and the names found, shared by the checks."""

    def __init__(self, text: str, school: SchoolContext) -> None:
        self.text = text
        self.lower = text.lower()
        self.school = school
        self.tokens = tokenize(text)
        self.mentions: list[Mention] = school.names.find(text, self.tokens)
        self.sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(text)]
        caseless = text.isupper() or not any(c.isupper() for c in text)
        self.school_spans = (
            list(_school_names(school, caseless).finditer(text)) if school.name else []
        )
        self.keys = _keys_in(self.lower, _SCAN_LOWER) | _keys_in(text, _SCAN_CASED)
        self.offensive: list[TextFinding] = []

    def has(self, key: str) -> bool:
        """The text holds one of the words a check needs (`_NEEDLES`): worth running it."""
        return key in self.keys

    def sentence_of(self, pos: int) -> tuple[int, int]:
        for start, end in self.sentences:
            if start <= pos < end:
                return start, end
        return 0, len(self.text)

    def names_in(self, start: int, end: int) -> bool:
        return any(start <= m.start < end for m in self.mentions) or any(
            start <= m.start() < end for m in self.school_spans
        )

    def target_in(self, start: int, end: int) -> bool:
        """Someone identifiable: a named person, the school, or a school role."""
        chunk = self.text[start:end]
        return (
            self.names_in(start, end)
            or bool(_ROLE_REF.search(chunk))
            or bool(_SCHOOL_REF.search(chunk))
            or bool(_PERSON_ROLE.search(chunk))
            or bool(_POINTED.search(self.text))
        )

    def staff_referent(
        self, start: int, end: int, *, unique: bool = False, people_only: bool = False
    ) -> bool:
        """The last one a clause names before `end` is the school or an adult who works there:
        "Mr Bamford is clueless" is, "the head told me my son is useless" is not.

        With `unique`, a role must be one person ("the head"), not "the TAs" or "a teacher"."""
        chunk = self.text[start:end]
        best_staff = -1
        for m in self.mentions:
            if start <= m.start < end and self.mention_kind(m) == "staff_name":
                best_staff = max(best_staff, m.end)
        for m in self.school_spans if not people_only else ():
            if start <= m.start() < end and not _LOCATED.search(self.text, 0, m.start()):
                best_staff = max(best_staff, m.end())
        roles: tuple[re.Pattern[str], ...] = (
            (_UNIQUE_ROLE,)
            if unique
            else (_ROLE_REF, _STAFF_PLACE)
            if people_only
            else (_ROLE_REF, _SCHOOL_REF, _STAFF_PLACE)
        )
        for pattern in roles:
            for r in pattern.finditer(chunk):
                best_staff = max(best_staff, start + r.end())
        if best_staff < 0:
            return False
        best_other = -1
        for m in self.mentions:
            if start <= m.start < end and self.mention_kind(m) != "staff_name":
                best_other = max(best_other, m.end)
        for r in _OTHER_REFERENT.finditer(chunk):
            best_other = max(best_other, start + r.end())
        return best_staff > best_other

    def person_referent(self, start: int, end: int) -> bool:
        """Someone named, or a one-person role, before `end` and after anyone else in the clause:
        who an act is pinned on."""
        if self.staff_referent(start, end, unique=True):
            return True
        if _PERSON_ROLE.search(self.text, start, end) or _POINTED.search(self.text):
            return True
        best = -1
        for m in self.mentions:
            if start <= m.start < end:
                best = max(best, m.end)
        if best < 0:
            return False
        return not any(start + r.end() > best for r in _FIRST_PERSON.finditer(self.text[start:end]))

    def mention_kind(self, m: Mention) -> str:
        kinds = {self.school.names.people[p].kind for p in m.people}
        return next(k for k in ("pupil_name", "staff_name", "parent_name") if k in kinds)

    def clause_start(self, pos: int) -> int:
        """Where the clause holding `pos` begins: its sentence, or the last comma or semicolon."""
        start, _ = self.sentence_of(pos)
        cut = max(self.text.rfind(c, start, pos) for c in ",;:(")
        return max(start, cut + 1)

    def person_in(self, start: int, end: int) -> bool:
        """Someone in particular: "pupils with allergies" is a group, "a pupil with" is not."""
        chunk = self.text[start:end]
        return (
            any(start <= m.start < end for m in self.mentions)
            or bool(_THIRD_PERSON.search(chunk))
            or bool(_ONE_PERSON.search(chunk))
            or bool(re.search(r"\b(?:mr|mrs|miss|ms|dr)\.? [A-Z]", chunk, _I))
        )


@cache
def _school_names_pattern(
    names: tuple[str, ...], worded: tuple[str, ...], caseless: bool = False
) -> re.Pattern[str]:
    def alt(items: Iterable[str]) -> str:
        return "|".join(
            r"\s+".join(re.escape(w) for w in n.split())
            for n in sorted(items, key=len, reverse=True)
        )

    parts = []
    if names:
        parts.append(r"(?i:" + alt(names) + r")")
    if worded:
        # A short name that is also a word ("Straits") needs its capital, and is not the word
        # in a place name ("the Straits of Gibraltar").
        parts.append(r"(?<!Dire )(?<!dire )(?<!DIRE )(?:" + alt(worded) + r")(?!\s+of\b)")
    # "#StraitsPrimary", "@StraitsPrimary": a name run together as a hashtag or a handle (not the
    # domain of an address, "office@straits.sch.uk").
    joined = "|".join(
        re.escape("".join(n.split())) for n in sorted((*names, *worded), key=len, reverse=True)
    )
    tagged = r"(?<=[#@])(?i:" + joined + r")(?![a-z0-9_]|\.\w)"
    # A short name that is also a word, in lower case, where the word would make no sense: the
    # word lives in "dire straits" and "the straits of Malacca"; "straits sports day" is the school.
    if worded and caseless:
        # A post all in capitals or all in lower case: its case says nothing, and the short name
        # is the school wherever it is not the word ("IN DIRE STRAITS", "straits of dover").
        parts.append(
            r"(?<!dire )(?<!desperate )(?<!financial )(?<!difficult )(?<!narrow )(?<!the )"
            r"(?<!these )(?<!such )(?i:(?<!dire )(?<!desperate )(?<!financial )(?<!difficult )"
            r"(?<!narrow )(?<!the )(?<!these )(?<!such )" + alt(worded) + r")(?!\s+(?i:of)\b)"
        )
    elif worded:
        parts.append(
            r"(?<!dire )(?<!desperate )(?<!financial )(?<!difficult )(?<!narrow )(?<!the )"
            r"(?<!these )(?<!such )(?i:" + alt(worded) + r")(?!\s+of\b)(?=\s+(?:sports|summer"
            r"|christmas|school|pta|fun run|fair|nativity|parents|mums|dads|kids|staff|teachers"
            r"|got|is|are|was|were|has|have|had|did|does|do|needs?|should|just|never|always"
            r"|primary)\b)"
        )
    return re.compile(r"(?<![\w@.#])(?:" + "|".join(parts) + r")(?![\w@])|" + tagged)


def _school_names(school: SchoolContext, caseless: bool = False) -> re.Pattern[str]:
    from smpolicy.content.lexicon import dictionary, fold

    lower_words = dictionary()[0]
    plain, worded = [school.name], []
    for short in school.short_names:
        if len(short.split()) == 1 and (fold(short) in lower_words or len(short) <= 3):
            worded.append(short)
        else:
            plain.append(short)
    return _school_names_pattern(tuple(plain), tuple(worded), caseless)


def check_text(text: str, school: SchoolContext) -> list[TextFinding]:
    """Everything the text checks find in `text`, in order of position."""
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(
            f"text: {len(text):,} characters is more than the {MAX_TEXT_CHARS:,} a post may have"
        )
    # Phones type curly apostrophes ("I’ll", "don’t"); the patterns are written with straight ones.
    # One character for one, so every offset still points into the text as given.
    if not text.isascii():
        text = text.translate(_PLAIN_QUOTES)
    t = Text(text, school)
    out: list[TextFinding] = []
    emails = list(find_emails(text, tuple(school.email_domains)))
    if emails:
        # "sarah.k@outlook.com": the address is the finding; a name inside it is no mention.
        t.mentions = [m for m in t.mentions if not any(c.start <= m.start < c.end for c in emails)]
    for m in t.mentions:
        kind = t.mention_kind(m)
        about = ("pupils",) if kind == "pupil_name" else ("staff",) if kind == "staff_name" else ()
        out.append(TextFinding(kind, m.start, m.end, m.confidence, people=m.people, about=about))
    for c in emails:
        out.append(TextFinding(c.kind, c.start, c.end, c.confidence))
    for c in find_phones(text, school.own_numbers):
        out.append(TextFinding(c.kind, c.start, c.end, c.confidence))
    for m in t.school_spans:
        out.append(TextFinding("school_name", m.start(), m.end(), 0.95))
    out.extend(_confidential(t))
    out.extend(_security(t))
    t.offensive = list(_offensive(t))
    out.extend(t.offensive)
    out.extend(_defamatory(t))
    out.extend(_illegal(t))
    out.extend(_criticism(t))
    out.sort(key=lambda f: (f.start, f.end, f.kind))
    return _merged(t, out)


# Kinds whose findings are phrases: two of them side by side are one thing said ("got sacked for"
# + "fiddling expenses", "spare key is in the" + "key safe"), and one finding says it once.
_PHRASE_KINDS = frozenset(
    {"confidential", "security_sensitive", "defamatory_risk", "illegal_conduct", "school_criticism"}
)


def _merged(t: Text, findings: list[TextFinding]) -> list[TextFinding]:
    """One phrase finding of a kind a sentence: "strictly confidential ... keep it quiet" is one
    thing said twice, and a reader fixes the sentence, not each phrase in it."""
    out: list[TextFinding] = []
    last: dict[str, int] = {}  # kind -> index in out of its latest finding
    for f in findings:
        k = last.get(f.kind)
        if f.kind in _PHRASE_KINDS and k is not None:
            prev = out[k]
            if f.start <= prev.end or t.sentence_of(prev.start) == t.sentence_of(f.start):
                out[k] = TextFinding(
                    prev.kind,
                    prev.start,
                    max(prev.end, f.end),
                    max(prev.confidence, f.confidence),
                    prev.category,
                    prev.people,
                    tuple(dict.fromkeys(prev.about + f.about)),
                )
                continue
        last[f.kind] = len(out)
        out.append(f)
    return out


def _confidential(t: Text) -> Iterable[TextFinding]:
    text = t.text
    if t.has("confidential"):
        for m in _CONFIDENTIAL.finditer(text):
            start, end = t.sentence_of(m.start())
            if _CONFIDENCE_KEPT.search(text, start, end) and not _STRONG_SECRET.match(m.group()):
                continue
            if _SURPRISE.search(text, start, end):
                continue
            yield TextFinding("confidential", m.start(), m.end(), 0.85)
    if t.has("pupil_data"):
        for m in _PUPIL_DATA.finditer(text):
            start, end = t.sentence_of(m.start())
            if _GENERAL_TOPIC.search(text, start, end):
                continue
            yield TextFinding("confidential", m.start(), m.end(), 0.8, about=("pupils",))
        for m in _INSPECTION_DUE.finditer(text):
            yield TextFinding(
                "confidential", m.start(), m.end(), 0.75, about=("school_information",)
            )
    if t.has("incident") and any(t.mention_kind(x) == "pupil_name" for x in t.mentions):
        for m in _INCIDENT.finditer(text):
            start, end = t.sentence_of(m.start())
            if any(
                start <= x.start < m.start() and t.mention_kind(x) == "pupil_name"
                for x in t.mentions
            ):
                yield TextFinding("confidential", m.start(), m.end(), 0.75, about=("pupils",))
    dob_spans = []
    if t.has("dob"):
        for m in _DOB.finditer(text):
            dob_spans.append((m.start(), m.end()))
            yield TextFinding("confidential", m.start(), m.end(), 0.9, about=("pupils",))
    births = t.school.dates_of_birth
    digits = bool(_DIGIT.search(text))
    if births and digits:
        for m in _DATE.finditer(text):
            if any(s <= m.start() < e for s, e in dob_spans):
                continue
            when = _parse_date(m)
            if when is not None and when in births:
                yield TextFinding("confidential", m.start(), m.end(), 0.9, about=("pupils",))
    health = []
    if t.has("acronyms"):
        health.append(_HEALTH_ACRONYMS)
    if t.has("health"):
        health.append(_HEALTH)
    for pattern in health:
        for m in pattern.finditer(text):
            start, end = t.sentence_of(m.start())
            sentence = text[start:end]
            named = any(start <= x.start < end for x in t.mentions)
            if named or (t.person_in(start, end) and not _GENERAL_TOPIC.search(sentence)):
                yield TextFinding("confidential", m.start(), m.end(), 0.85, about=("pupils",))
    if t.has("case"):
        for m in _CASE_STRONG.finditer(text):
            yield TextFinding("confidential", m.start(), m.end(), 0.9, about=("pupils",))
    if t.has("case_weak"):
        for m in _CASE_WEAK.finditer(text):
            start, end = t.sentence_of(m.start())
            if t.person_in(start, end) and not _GENERAL_TOPIC.search(text[start:end]):
                yield TextFinding("confidential", m.start(), m.end(), 0.75, about=("pupils",))
    if t.has("business"):
        for m in _BUSINESS.finditer(text):
            yield TextFinding(
                "confidential", m.start(), m.end(), 0.8, about=("school_information",)
            )
    if digits:
        for m in _ADDRESS.finditer(text):
            start, end = t.sentence_of(m.start())
            if t.person_in(start, end):
                yield TextFinding("confidential", m.start(), m.end(), 0.8, about=("pupils",))


def _parse_date(m: re.Match[str]) -> date | None:
    g = m.groups()
    try:
        if g[0]:
            day, month, year = int(g[0]), int(g[1]), int(g[2])
            if year < 100:
                year += 2000 if year < 50 else 1900
            return date(year, month, day)
        if g[3]:
            month_no = _MONTHS.get(g[4].lower())
            if month_no is None:
                return None
            return date(int(g[5]), month_no, int(g[3]))
        if g[6]:
            return date(int(g[6]), int(g[7]), int(g[8]))
    except ValueError:
        return None
    return None


def _security(t: Text) -> Iterable[TextFinding]:
    if not t.has("security"):
        return
    for m in _SECURITY.finditer(t.text):
        if _PHONE_AFTER.match(t.text, m.start(), m.end() + 16) and "number" in m.group().lower():
            continue
        yield TextFinding(
            "security_sensitive", m.start(), m.end(), 0.85, about=("school_information",)
        )


def _offensive(t: Text) -> Iterable[TextFinding]:
    text = t.text
    spans: list[tuple[int, int]] = []

    def fresh(start: int, end: int) -> bool:
        if any(s < end and start < e for s, e in spans):
            return False
        spans.append((start, end))
        return True

    lower = t.lower
    for m in _THREAT.finditer(text) if t.has("threat") else ():
        if _NOT_THREAT.search(m.group()):
            continue
        if _SOFT_THREAT_VERB.search(m.group()) and not _THREAT_TAIL.match(text[m.end() :]):
            continue
        if fresh(m.start(), m.end()):
            yield TextFinding("offensive", m.start(), m.end(), 0.85, category="threat")
    for m in _DISCRIMINATION.finditer(text) if t.has("groups") else ():
        if fresh(m.start(), m.end()):
            yield TextFinding("offensive", m.start(), m.end(), 0.85, category="discriminatory")
    for m in _SNEER.finditer(text) if t.has("sneer") else ():
        if fresh(m.start(), m.end()):
            yield TextFinding("offensive", m.start(), m.end(), 0.75, category="abusive")
    for category, start, end, confidence in _offensive_terms(text):
        if text[start:end].lower().startswith("faggot") and _FOOD_AFTER.match(text, end):
            continue
        if fresh(start, end):
            yield TextFinding("offensive", start, end, confidence, category=category)
    for m in _MASKED.finditer(text) if t.has("masked") else ():
        if fresh(m.start(), m.end()):
            yield TextFinding("offensive", m.start(), m.end(), 0.85, category="obscene")
    for m in _GAY_INSULT.finditer(text) if "gay" in lower else ():
        if fresh(m.start(), m.end()):
            yield TextFinding("offensive", m.start(), m.end(), 0.75, category="discriminatory")
    for m in _INSULT.finditer(text) if t.has("insult") else ():
        if fresh(m.start(), m.end()):
            yield TextFinding("offensive", m.start(), m.end(), 0.75, category="abusive")


def _defamatory(t: Text) -> Iterable[TextFinding]:
    text = t.text
    if not t.has("allegation"):
        return
    for m in _ALLEGATION.finditer(text):
        if _FIGURATIVE.match(text, m.start()):
            continue
        start, end = t.sentence_of(m.start())
        if not t.target_in(start, end):
            continue
        if _NEGATED.search(text[max(start, m.start() - 12) : m.start()]):
            continue
        if _FICTION.search(text, start, end) or _GAME.search(text, start, end):
            continue
        rel = _RELATIVE.search(text[max(start, m.start() - 40) : m.start()])
        if rel is not None and not t.target_in(
            max(start, m.start() - 40) + rel.start(1), max(start, m.start() - 40) + rel.end(1)
        ):
            continue
        named = any(start <= x.start < end for x in t.mentions) or any(
            start <= x.start() < end for x in t.school_spans
        )
        yield TextFinding("defamatory_risk", m.start(), m.end(), 0.85 if named else 0.75)
        if t.staff_referent(start, m.start() + 1) or t.staff_referent(start, m.end()):
            # wrongdoing alleged of the school or its staff is criticism of the school too
            yield TextFinding("school_criticism", m.start(), m.end(), 0.75)


def _illegal(t: Text) -> Iterable[TextFinding]:
    text = t.text
    if not t.has("illegal"):
        return
    for m in _ILLEGAL.finditer(text):
        if _FIGURATIVE.match(text, m.start()):
            continue
        start, end = t.sentence_of(m.start())
        sentence = text[start:end]
        own_act = bool(_OWN_ACT.match(m.group()))
        if (_FICTION.search(sentence) and not own_act) or _GAME.search(sentence):
            continue
        school_tie = (
            t.target_in(start, end)
            or bool(_SCHOOL_CONTEXT.search(sentence))
            or bool(_SCHOOL_WORD.search(sentence))
        )
        if _VICTIM.search(text[max(start, m.start() - 16) : m.end()]):
            # a crime suffered is a link only where it happened at or to the school
            tied = school_tie
        else:
            tied = (
                school_tie
                or bool(_FIRST_PERSON_ANY.search(sentence))
                or bool(_SOMEONE.search(sentence))
                or any(start <= x.start < end for x in t.mentions)
            )
        if tied or own_act:
            yield TextFinding("illegal_conduct", m.start(), m.end(), 0.8)
            # a crime pinned on someone the reader can tell ("Emma Jones drove home drunk", "the
            # PE teacher films the girls") is an allegation about them
            clause = t.clause_start(m.start())
            if _VICTIM.search(text[max(start, m.start() - 16) : m.end()]):
                continue
            if _ILLEGAL_NOT_ALLEGATION.match(m.group()):
                continue
            if t.person_referent(clause, m.start()):
                yield TextFinding("defamatory_risk", m.start(), m.end(), 0.75)
                if t.staff_referent(clause, m.start()):
                    yield TextFinding("school_criticism", m.start(), m.end(), 0.75)


@cache
def _criticism_pattern(school_name: str, short: tuple[str, ...]) -> re.Pattern[str]:
    names = "|".join(re.escape(n) for n in sorted((school_name, *short), key=len, reverse=True))
    schoolref = (
        r"(?:the |this |our |my )?(?:school|head|headteacher|head teacher|teachers?|staff"
        r"|leadership|governors|office|SLT|senior leadership team|management|" + names + ")"
    )
    pattern = _CRITICISM.pattern.replace("SCHOOLREF", schoolref).replace("SCHOOLNAME", names)
    return re.compile(pattern, _I)


def _criticism(t: Text) -> Iterable[TextFinding]:
    text = t.text
    yield from _staff_abuse(t)
    if not t.has("criticism"):
        return
    if (
        not t.has("criticism_target")
        and not t.school_spans
        and not any(t.mention_kind(m) == "staff_name" for m in t.mentions)
    ):
        return
    pattern = _criticism_pattern(t.school.name, tuple(t.school.short_names))
    for m in pattern.finditer(text):
        if _NEGATED.search(text[max(0, m.start() - 12) : m.start()]):
            continue
        start, end = t.sentence_of(m.start())
        if _EXCLAIMED.match(m.group()) and _OTHER_BODY.search(text, start, end):
            continue
        about = ("school_decisions",) if _DECISIONS.search(text[start:end]) else ()
        yield TextFinding("school_criticism", m.start(), m.end(), 0.8, about=about)
    complaint = _complaint_pattern(t.school.name, tuple(t.school.short_names))
    for m in complaint.finditer(text):
        yield TextFinding("school_criticism", m.start(), m.end(), 0.7)
    for m in _JUDGED.finditer(text):
        clause = t.clause_start(m.start())
        if t.staff_referent(clause, m.start()):
            yield TextFinding("school_criticism", clause_lead(text, clause), m.end(), 0.7)


def clause_lead(text: str, clause: int) -> int:
    """The clause's first non-space character: a finding shows its subject with the judgement."""
    while clause < len(text) and text[clause].isspace():
        clause += 1
    return clause


def _staff_abuse(t: Text) -> Iterable[TextFinding]:
    """Abuse aimed at the school's staff ("the office staff are a bunch of useless wankers",
    "that stuck up cow on reception") is criticism of the school as well as offensive."""
    if not t.offensive:
        return
    for f in t.offensive:
        if f.category not in ("abusive", "obscene"):
            continue
        _, end = t.sentence_of(f.start)
        clause = t.clause_start(f.start)
        clause_end = min(
            [e for e in (t.text.find(c, f.end, end) for c in ",;:") if e >= 0] or [end]
        )
        if t.staff_referent(clause, f.end, people_only=True) or t.staff_referent(
            clause, clause_end, people_only=True
        ):
            yield TextFinding("school_criticism", f.start, f.end, 0.7)


@cache
def _complaint_pattern(school_name: str, short: tuple[str, ...]) -> re.Pattern[str]:
    names = "|".join(re.escape(n) for n in sorted((school_name, *short), key=len, reverse=True))
    return re.compile(_COMPLAINT.pattern.replace("SCHOOLNAME", names), _I)
