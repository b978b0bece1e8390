"""Ask in your own words: a sentence read into the answers of the Ask the policy form.

"A Year 5 girl sent me a friend request on Instagram" fills who is involved (a pupil, aged 9 to
10), what happened (a request received), the platform (Instagram) and the account (the asker's
own). The person checks and changes the answers before the engine decides: the reader only ever
fills the form, it never decides. What the sentence does not say is left unanswered, never
guessed; each answer carries the words it came from, so the page can show why.

Plain Python (no Django): rules over the words, with the platform catalogue's names and aliases.
Measured on a question set written blind (tests/asking/corpus/, `bench/ask_words.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from smpolicy.platforms import Catalogue, default_catalogue


@dataclass(frozen=True)
class Answer:
    path: str  # the decisions contract's dotted path, e.g. "counterpart.on_roll"
    value: Any
    words: str  # what in the sentence said so


@dataclass
class Reading:
    text: str
    answers: dict[str, Answer] = field(default_factory=dict)
    hints: dict[str, Any] = field(default_factory=dict)  # e.g. an age range from a year group

    def value(self, path: str, default: Any = None) -> Any:
        answer = self.answers.get(path)
        return answer.value if answer is not None else default

    def situation(self) -> dict[str, Any]:
        """The answers as a (partial) decisions-contract situation."""
        out: dict[str, Any] = {}
        for path, answer in self.answers.items():
            head, _, tail = path.partition(".")
            if not tail:
                out[head] = answer.value
                continue
            box = out.setdefault(head, {})
            if isinstance(answer.value, list):
                box.setdefault(tail, [])
                box[tail] += [x for x in answer.value if x not in box[tail]]
            else:
                box[tail] = answer.value
        return out

    def _set(self, path: str, value: Any, match: re.Match[str] | str) -> None:
        if path in self.answers and not isinstance(value, list):
            return  # the first, most specific rule to answer a question keeps it
        words = match if isinstance(match, str) else match.group(0)
        if isinstance(value, list) and path in self.answers:
            have = self.answers[path]
            value = have.value + [x for x in value if x not in have.value]
            words = f"{have.words}; {words}"
        self.answers[path] = Answer(path, value, words.strip())


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# -- who is involved ------------------------------------------------------------------------
_CHILD = r"(?:pupils?|students?|child(?:ren)?|kids?|boys?|girls?|lads?|lass(?:es)?|son|daughter)"
_YEAR = _rx(r"\b(?:year|yr|y)\s?(\d{1,2})\b(?!\s*(?:olds?|ago|s\b))")
_RECEPTION = _rx(r"\b(?:reception|nursery|foundation stage|eyfs)\b")
_KEY_STAGE = _rx(r"\bks\s?([12])\b|\bkey stage\s?([12])\b")
_AGE = _rx(
    r"\b(\d{1,2})\s?(?:-|\s)?(?:years?|yrs?|yo)(?:\s?-?\s?old)?\b|\baged\s(\d{1,2})\b"
    r"|\b(?:is|he's|she's|they're|turned|now)\s(\d{1,2})\b(?!\s*(?:am|pm|:|minutes|mins|%))"
)
_FORMER = _rx(
    r"\b(?:former|ex-?\s?|old)\s?(?:pupil|student)s?\b|\bleft (?:the school|us|last|in|at)"
    r"|\bused to (?:be at|attend|go to|teach)|\balumni\b|\bleavers?\b|\bwho left\b"
    r"|\bmoved (?:on )?to (?:secondary|high school|another school)"
)
_NEVER = _rx(
    r"\b(?:another|a different|other|local|nearby) (?:school|primary|academy)\b"
    r"|\bnot (?:at|from|one of) ours?\b|\bnever (?:been )?at (?:our|the|this) school"
)
_CURRENT = _rx(
    r"\bmy (?:class|form|group|tutor group)\b|\bin (?:my|our|her|his) class\b|\bon roll\b"
    r"|\bour (?:pupils?|students?|school'?s? pupils?|kids|children|year)\b|\bat (?:our|this|the) "
    r"school\b|\bcurrent (?:pupil|student)s?\b|\b\d[a-z]?\s(?:class)\b"
)
_COUNTERPARTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("pupil", _rx(rf"\b(?:former|ex-?\s?)\s?(?:pupil|student)s?\b|\b{_CHILD}\b")),
    ("parent", _rx(r"\b(?:parents?|mums?|mum's|mother|dads?|dad's|father|carers?|guardian|"
                   r"step-?(?:mum|dad)|grand(?:parent|ma|pa|mother|father)s?|nan|parent/carer)"
                   r"\b")),
    ("governor", _rx(r"\bgovernors?\b|\bchair of (?:the )?governors\b")),
    ("staff", _rx(r"\b(?:colleagues?|teachers?|ta|tas|teaching assistants?|head ?teacher|"
                  r"the head|deputy head|senco|dsl|lunchtime supervisors?|caretaker|"
                  r"office manager|receptionist|member of staff|staff member|supply teacher|"
                  r"line manager|slt)\b")),
    ("public", _rx(r"\b(?:strangers?|someone i don'?t know|random (?:person|account|man|woman|"
                   r"people)|journalists?|reporters?|the press|members? of the public|"
                   r"an? (?:man|woman|adult) i don'?t know|fake account)\b")),
)
# "my son", "my daughter": the asker is a parent and the child the one acting.
_OWN_CHILD = _rx(r"\bmy (?:\d{1,2}[- ]?(?:year[- ]?old|yo)\s)?(?:son|daughter|child|kid|boy|girl|"
                 r"little one|eldest|youngest)\b")

# -- what happened --------------------------------------------------------------------------
_ME = r"(?:me|my|i)"
_ACTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("experience_abuse", _rx(
        r"\b(?:bull(?:y|ied|ying)|cyber-?bull\w*|troll(?:ed|ing)|harass(?:ed|ing|ment)?|"
        r"threat(?:en(?:ed|ing)?|s)?|abus(?:e|ed|ive)|humiliat\w+|nasty (?:comments?|messages?)"
        r"|horrible (?:comments?|things)|picking on|ganging up|(?:being|been) (?:mocked|targeted)"
        r"|mean (?:comments?|messages?)|death threats?|doxx\w*)\b")),
    ("receive_message", _rx(
        rf"\b(?:sent|send|sends|sending|keeps? sending|gave|given) {_ME}\b.{{0,30}}"
        r"\b(?:friend|follow|message|dm|text|request|pm|snap|invite|e-?mail|voice note)"
        rf"|\b(?:messag(?:ed|es|ing)|dm'?(?:d|ed|ing)|pm'?(?:d|ed)|text(?:ed|s|ing)|"
        rf"e-?mail(?:ed|s|ing)|contact(?:ed|s|ing)|call(?:ed|s|ing)|ring(?:s|ing)|rang|"
        rf"add(?:ed|s|ing)|follow(?:ed|s|ing)|request(?:ed|s|ing)) {_ME}\b"
        r"|\b(?:got|had|received|receiving|getting|have) an? (?:friend |follow )?(?:request|"
        r"message|dm|text|e-?mail|pm|invite)"
        r"|\b(?:friend|follow) request (?:from|off)\b"
        r"|\b(?:a|an) (?:friend|follow) request\b")),
    ("share_contact_details", _rx(
        r"\b(?:give|giving|gave|share|sharing|pass(?:ing)? on|hand out|put) (?:out )?(?:my|him "
        r"my|her my|them my|the parents? my|parents my)\b.{0,20}\b(?:number|mobile|phone|"
        r"e-?mail(?: address)?|whatsapp|contact details|address)\b"
        r"|\bmy (?:personal |own )?(?:mobile |phone )?number to\b")),
    ("use_branding", _rx(r"\b(?:the |our )?school(?:'s)? (?:logo|badge|crest|name|branding|"
                         r"photos?|newsletter|website content)\b.{0,40}\b(?:use|using|put|on my|"
                         r"in my)|\buse (?:the |our )?school(?:'s)? (?:logo|badge|crest|name|"
                         r"branding)")),
    ("speak_for_school", _rx(
        r"\bon behalf of the school\b|\bspeak(?:ing)? for the school\b|\b(?:respond|reply|"
        r"answer|comment)\w* (?:to )?(?:the )?(?:press|journalists?|reporters?|local paper|"
        r"news)\b|\bas a (?:spokesperson|representative) (?:of|for) the school\b"
        r"|\bofficial (?:response|statement|reply)\b")),
    ("sign_up", _rx(
        r"\b(?:sign(?:ed|ing|s)? (?:up|on)|creat(?:e|ed|ing) an? (?:account|profile)|(?:get|"
        r"getting|have|having|make|making|set(?:ting)? up|open(?:ing)?) (?:an? |(?:his|her|their|"
        r"my) own )?(?:account|profile)|download(?:ed|ing)? (?:the )?app|be on|go on|join)\b")),
    ("connect", _rx(
        r"\b(?:friend|unfriend|befriend|accept|add|follow|connect(?: with)?|invite)\w*\b"
        r"|\b(?:be|become|stay|staying) friends\b|\bfriends? (?:with|on)\b"
        r"|\badded (?:me |them |him |her )?to (?:a |the |their )?(?:group|chat)\b"
        r"|\bgroup ?chat\b|\bjoin (?:a |the |their )?(?:group|chat)\b")),
    ("message", _rx(
        r"\b(?:message|messag(?:ed|ing)|dm|text|texting|e-?mail|whatsapp|call|ring|phone|reply|"
        r"respond|chat|snap|write to|contact)\b")),
    ("post", _rx(
        r"\b(?:post(?:s|ed|ing)?|share|sharing|shared|upload(?:ed|ing)?|put (?:it |a photo |"
        r"photos |pictures |a video )?(?:up|on|online)|tweet(?:ed|ing)?|comment(?:ed|ing|s)?|"
        r"stor(?:y|ies)|reel|vlog|blog|review|tag(?:ged|ging)?|film(?:ed|ing)?|photos?|"
        r"pictures?|pics?|videos?|selfies?|retweet\w*|like[ds]?)\b")),
    ("access", _rx(
        r"\b(?:look(?:ing)? at|open(?:ed|ing)?|visit(?:ed|ing)?|brows(?:e|ed|ing)|watch(?:ed|"
        r"ing)?|access(?:ed|ing)?|check(?:ing)? (?:my|facebook|instagram|social)|scroll(?:ed|"
        r"ing)?|go(?:ing)? on|use|using|play(?:ed|ing)?|stream(?:ed|ing)?|search(?:ed|ing)? "
        r"for)\b")),
    ("have_social_contact", _rx(
        r"\b(?:friends? with (?:a |one of the |the )?(?:parent|mum|dad|family)|know (?:the |"
        r"a |his |her )?(?:family|parents?|mum|dad) (?:socially|outside|well|from)|"
        r"(?:neighbour|neighbours|live next door|same (?:street|church|gym|club|social circle))|"
        r"socially|babysit\w*|godparent|my (?:cousin|nephew|niece|friend)'?s? (?:son|daughter|"
        r"child|kid))\b")),
    ("join_school", _rx(r"\b(?:just|recently) (?:joined|started)|\bnew (?:starter|to the school|"
                        r"here|member of staff|teacher|ta|job)|\bfirst (?:week|day|term)\b")),
)
_REQUEST_FROM_THEM = _rx(
    r"\b(?:sent|send|sends|gave|keeps? sending) (?:me|my)\b|\b(?:request|requests|message|dm|"
    r"text)(?:ed)? (?:from|off)\b|\b(?:added|followed|messaged|texted|dm'?d|contacted) me\b"
    r"|\b(?:got|had|received|getting) an? (?:friend |follow )?(?:request|message|dm|text)"
)
_ASKING_TO_ACT = _rx(r"\b(?:can|could|should|may|am i allowed to|is it ok(?:ay)? to|is it fine "
                     r"to|do i|would it be ok(?:ay)? to|i want to|i'd like to|thinking of|"
                     r"planning to|going to|gonna)\s(?:i\s)?")

# -- which account or channel ---------------------------------------------------------------
_ACCOUNTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("school_email", _rx(r"\b(?:my )?(?:school|work) e-?mail\b")),
    ("personal_email", _rx(r"\b(?:my )?(?:personal|own|private|home) e-?mail\b|\b(?:gmail|hotmail|"
                           r"outlook\.com|yahoo|icloud|aol)\b")),
    ("school_phone", _rx(r"\b(?:a |the )?(?:school|work|office|school's) (?:phone|mobile|number)"
                         r"\b")),
    ("personal_phone", _rx(r"\bmy (?:own |personal |private )?(?:mobile|phone|number|cell)\b"
                           r"|\bpersonal (?:mobile|phone|number)\b|\bmy whatsapp number\b")),
    ("official", _rx(r"\b(?:the |our )?(?:school(?:'s)?|official|class|pta|academy|trust) "
                     r"(?:facebook |instagram |x |twitter |tiktok |youtube )?(?:page|account|"
                     r"feed|channel|website|blog|profile)\b|\bofficial account\b|\bschool "
                     r"(?:facebook|instagram|twitter|x|youtube|tiktok)\b")),
    ("personal", _rx(r"\bmy (?:own |personal |private )?(?:facebook|instagram|insta|fb|tiktok|"
                     r"snapchat|snap|twitter|x|account|profile|page|feed|story|stories|"
                     r"socials|social media|whatsapp|linkedin)\b|\b(?:personal|private) (?:account|"
                     r"profile|page|social media)\b")),
)
# -- where, on what -------------------------------------------------------------------------
_NETWORKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("guest_wifi", _rx(r"\bguest (?:wi-?fi|network)\b")),
    ("staff_network", _rx(r"\bstaff (?:wi-?fi|network)\b")),
    ("pupil_network", _rx(r"\b(?:pupil|student|children's|kids') (?:wi-?fi|network)\b")),
    ("mobile_data", _rx(r"\b(?:mobile|my) data\b|\b[45]g\b|\bhotspot\b")),
    ("off_site", _rx(r"\bat home\b|\bhome (?:wi-?fi|broadband)\b")),
)
_DEVICES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("school", _rx(r"\b(?:a |the |my )?(?:school|work|class|school's)(?:-issued)? (?:laptop|ipad|"
                   r"tablet|computer|pc|phone|device|chromebook|camera)s?\b")),
    # "my mobile" is as often a number as a device: only "on", "with" or "from" my phone is one.
    ("personal", _rx(r"\b(?:on|with|from|using|via) my (?:own |personal )?(?:phone|mobile|iphone|"
                     r"android|laptop|ipad|tablet|device|camera)\b|\b(?:personal|own) (?:device|"
                     r"laptop|tablet)\b")),
)
_ON_SITE = _rx(r"\b(?:at|in|around) (?:school|the school|work)\b|\bin (?:the )?(?:class(?:room)?|"
               r"playground|staff ?room|hall|assembly|corridor|dining hall|lesson)\b"
               r"|\bon (?:the )?(?:school )?(?:premises|site|grounds|field)\b|\bduring (?:the )?"
               r"(?:school day|lessons?|class|break|lunch|assembly)\b")
_OFF_SITE = _rx(r"\bat home\b|\bat the weekend\b|\bon (?:the )?(?:weekend|holiday)\b|\bout of "
                r"school\b|\boutside (?:of )?school\b|\bin the evening\b|\bafter school\b")

# -- what it is about, what it shows --------------------------------------------------------
_ACTIVITY = _rx(r"\b(?:sports day|school trip|trip|residential|nativity|school play|assembly|"
                r"concert|fete|fair|disco|christmas (?:show|fair|play)|performance|match|"
                r"tournament|swimming gala|class (?:photo|picture)|school event|"
                r"leavers'? (?:assembly|party)|parents'? evening|open day|world book day)\b")
_IMAGES_OF_PUPILS = _rx(rf"\b(?:photos?|pictures?|pics?|videos?|footage|film(?:ed)?|selfies?) "
                        rf"(?:of|with|showing)\b.{{0,25}}\b(?:{_CHILD}|class|team|year|them|kids)"
                        rf"|\b(?:{_CHILD}|class|team)'?s? (?:photos?|pictures?|faces?)\b")
_IMAGES_OF_STAFF = _rx(r"\b(?:photos?|pictures?|pics?|videos?) (?:of|with)\b.{0,25}\b(?:staff|"
                       r"colleagues?|teachers?|the head)\b")
_FLAGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("school_branding", _rx(r"\b(?:school(?:'s)? )?(?:logo|badge|crest|branding)\b")),
    ("confidential", _rx(r"\bconfidential\b|\b(?:sen|send|ehcp|medical|health|safeguarding|"
                         r"home) (?:details|information|info|needs|records?|issues?|plan)\b"
                         r"|\bdates? of birth\b|\bpupil data\b|\bexclusions?\b")),
    ("security_sensitive", _rx(r"\b(?:door|gate|alarm|keypad|entry) codes?\b|\bpasswords?\b"
                               r"|\blogins?\b|\bwho is where\b|\brota\b")),
    ("discriminatory", _rx(r"\b(?:racist|racism|homophobic|transphobic|sexist|misogyn\w+|"
                           r"discriminat\w+|islamophobic|antisemitic|ableist|slurs?)\b")),
    ("illegal_conduct", _rx(r"\b(?:drugs?|weed|cannabis|stole|stolen|steal\w*|theft|shoplift\w*|"
                            r"assault\w*|illegal|crime|criminal offence|drink[- ]driving|"
                            r"nudes?|sexting)\b")),
    ("defamatory", _rx(r"\b(?:accus\w+|alleg\w+|rumou?rs?|lies about|lying about|claim(?:ed|s|ing)"
                       r" (?:that )?(?:the |a |mr|mrs|miss|ms)|saying (?:that )?(?:the |a )?"
                       r"(?:teacher|head|ta|mr|mrs|miss|ms)\b.{0,30}\b(?:hit|stole|drunk|abuse))")),
    ("damaging_to_school", _rx(
        r"\b(?:slag(?:ging|ged)? off|critici[sz]\w+|complain\w*|moan\w*|rant\w*|bad ?mouth\w*|"
        r"negative (?:post|review|comments?)|attack(?:ing|ed)? the school|(?:awful|terrible|"
        r"useless|rubbish|worst|shocking|disgraceful|appalling) (?:school|teachers?|head|staff)|"
        r"(?:the school|school) is (?:awful|terrible|useless|rubbish|a joke|shocking|"
        r"disgraceful))\b")),
    ("inappropriate", _rx(r"\b(?:porn\w*|adult (?:content|site|material)|explicit|gambling|"
                          r"betting|violent (?:video|content|game)|gore|nsfw|18\+)\b")),
)
_ABOUT: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("staffing", _rx(r"\bstaffing\b|\b(?:supply|cover) (?:teachers?|staff)\b|\bstaff (?:leaving|"
                     r"shortages?|changes?|sickness|absence)\b|\bwho (?:is|'s) (?:leaving|off)")),
    ("school_decisions", _rx(r"\b(?:the )?school'?s? (?:decision|policy|policies|rules?|uniform "
                             r"policy)\b|\bdecision to\b|\b(?:exclusion|closure|term dates|"
                             r"uniform change)\b")),
    ("activities", _ACTIVITY),
)


def _platforms(catalogue: Catalogue) -> list[tuple[str, re.Pattern[str]]]:
    out: list[tuple[str, re.Pattern[str]]] = []
    extra = {
        "instagram": ("insta", "ig", "the gram"),
        "facebook": ("fb", "face book", "facebook messenger"),
        "snapchat": ("snap", "snapchatted"),
        "whatsapp": ("whats app", "whatsapp group", "wa group"),
        "x": ("twitter", "tweet", "tweeted", "tweeting"),
        "youtube": ("yt", "you tube"),
        "tiktok": ("tik tok", "tik-tok"),
        "messenger": ("fb messenger",),
        "linkedin": ("linked in",),
    }
    for platform in catalogue:
        names = {platform.id, platform.name, *platform.aliases, *extra.get(platform.id, ())}
        if platform.id == "x":
            names.discard("x")
            names.discard("X")
            # "on X" / "X account" but not the letter in "x amount"
            out.append((platform.id, _rx(r"\b(?:on|my|an?|the|their|his|her) X\b(?! ?(?:times|"
                                         r"amount|number))")))
        words = sorted((re.escape(n) for n in names if len(n) > 1), key=len, reverse=True)
        if words:
            out.append((platform.id, _rx(r"(?<![\w.])(?:" + "|".join(words) + r")(?![\w])")))
    return out


_PLATFORM_RULES: list[tuple[str, re.Pattern[str]]] | None = None


def _platform_rules() -> list[tuple[str, re.Pattern[str]]]:
    global _PLATFORM_RULES
    if _PLATFORM_RULES is None:
        _PLATFORM_RULES = _platforms(default_catalogue())
    return _PLATFORM_RULES


Hit = tuple[str, re.Match[str]]


def _first(rules: Iterable[tuple[str, re.Pattern[str]]], text: str) -> Hit | None:
    best: tuple[int, str, re.Match[str]] | None = None
    for value, rule in rules:
        m = rule.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), value, m)
    return (best[1], best[2]) if best else None


def _age_of_year(year: int) -> tuple[int, int]:
    return (year + 4, year + 5)  # Year 1 is 5 to 6 in England


def read_question(text: str, asker_role: str = "staff") -> Reading:
    """What ``text`` says of the situation, each answer with the words it came from."""
    reading = Reading(text)
    t = " ".join(text.split())
    if not t:
        return reading

    # Who is acting: the asker, unless they ask about their own child acting.
    own_child = _OWN_CHILD.search(t)
    child_acts = own_child is not None and re.search(
        r"\b(?:sign(?:ed|ing)? up|join|have|get|use|be on|go on|make|post|download|play)\b",
        t[own_child.end():own_child.end() + 60], re.IGNORECASE,
    ) is not None and not _REQUEST_FROM_THEM.search(t)
    if child_acts and own_child is not None:
        reading._set("actor.role", "pupil", own_child)
    else:
        reading._set("actor.role", asker_role, "you")

    # The platform, before the actions that mention one.
    platform = _first(_platform_rules(), t)
    if platform:
        reading._set("channel.platform", platform[0], platform[1])

    # What happened.
    action = _read_action(t, child_acts)
    if action:
        reading._set("action", action[0], action[1])

    # Who else is involved.
    if not child_acts:
        _read_counterpart(reading, t)
    ages = _AGE.search(t)
    if ages:
        age = int(next(g for g in ages.groups() if g))
        if 0 < age < 100:
            target = "actor.age" if child_acts else "counterpart.age"
            if target == "actor.age" or "counterpart.role" in reading.answers:
                reading._set(target, age, ages)
    year = _YEAR.search(t)
    if year and "counterpart.age" not in reading.answers and "actor.age" not in reading.answers:
        n = int(year.group(1))
        if 1 <= n <= 13:
            key = "actor_age_range" if child_acts else "age_range"
            reading.hints[key] = list(_age_of_year(n))
    elif _RECEPTION.search(t):
        reading.hints["actor_age_range" if child_acts else "age_range"] = [4, 5]

    # The account or channel.
    account = _first(_ACCOUNTS, t)
    if account:
        reading._set("channel.account", account[0], account[1])
    elif (
        platform
        and reading.value("action") in {"receive_message", "connect", "message"}
        and re.search(r"\b(?:me|my)\b", t, re.IGNORECASE)
    ):
        reading._set("channel.account", "personal", "to you")

    network = _first(_NETWORKS, t)
    if network:
        reading._set("network", network[0], network[1])
    device = _first(_DEVICES, t)
    if device:
        reading._set("device", device[0], device[1])
    if m := _OFF_SITE.search(t):
        reading._set("on_premises", False, m)
    elif m := _ON_SITE.search(t):
        reading._set("on_premises", True, m)

    for flag, rule in _FLAGS:
        if m := rule.search(t):
            reading._set(f"content.{flag}", True, m)
    if m := _ACTIVITY.search(t):
        reading._set("content.school_activity", True, m)
    for about, rule in _ABOUT:
        if m := rule.search(t):
            reading._set("content.about", [about], m)
    if m := _IMAGES_OF_PUPILS.search(t):
        reading._set("content.images_of", ["pupils"], m)
    if m := _IMAGES_OF_STAFF.search(t):
        reading._set("content.images_of", ["staff"], m)
    return reading


def _read_action(t: str, child_acts: bool) -> tuple[str, re.Match[str]] | None:
    asking = _ASKING_TO_ACT.search(t)
    found: list[tuple[int, int, str, re.Match[str]]] = []
    for rank, (action, rule) in enumerate(_ACTIONS):
        m = rule.search(t)
        if m:
            found.append((rank, m.start(), action, m))
    if not found:
        return None
    by_action = {a: m for _, _, a, m in found}
    if "experience_abuse" in by_action:
        return "experience_abuse", by_action["experience_abuse"]
    if child_acts:
        for action in ("sign_up", "post", "connect", "access", "message"):
            if action in by_action:
                return action, by_action[action]
    # A request or message that came to the asker is received, unless they ask whether they
    # may act on it ("can I accept her friend request?": connect).
    if "receive_message" in by_action:
        if asking and re.search(r"\b(?:accept|add|follow|friend|reply|respond|answer|message|"
                                r"text)\w*\b", t[asking.end():asking.end() + 40], re.IGNORECASE):
            verb = t[asking.end():asking.end() + 40].lower()
            if re.search(r"\b(?:reply|respond|answer|message|text)", verb):
                return "message", by_action.get("message") or by_action["receive_message"]
            return "connect", by_action.get("connect") or by_action["receive_message"]
        return "receive_message", by_action["receive_message"]
    for action in ("share_contact_details", "use_branding", "speak_for_school",
                   "have_social_contact", "join_school"):
        if action in by_action:
            return action, by_action[action]
    # What the asker wants to do comes after "can I": the first action named there.
    if asking:
        best = min(
            ((m.start() - asking.end(), rank, a, m) for rank, m0, a, m in found
             if m.start() >= asking.end()),
            default=None,
        )
        if best is not None and best[0] < 40:
            return best[2], best[3]
    _, _, action, m = min(found)
    return action, m


def _read_counterpart(reading: Reading, t: str) -> None:
    hit = _first(_COUNTERPARTS, t)
    year = _YEAR.search(t) or _RECEPTION.search(t) or _KEY_STAGE.search(t)
    former = _FORMER.search(t)
    if hit is None and year is None and former is None:
        return
    if hit is not None:
        role, m = hit
        # "a pupil's mum": the parent is the one involved.
        if role == "pupil":
            after = t[m.end():m.end() + 12].lower()
            parent = _COUNTERPARTS[1][1].search(after)
            if parent and re.match(r"^'?s?\s", after):
                role, m = "parent", parent
        reading._set("counterpart.role", role, m)
    elif former is not None:
        reading._set("counterpart.role", "pupil", former)
    elif year is not None:
        reading._set("counterpart.role", "pupil", year)
    if reading.value("counterpart.role") != "pupil":
        return
    if former:
        reading._set("counterpart.on_roll", "former", former)
    elif m := _NEVER.search(t):
        reading._set("counterpart.on_roll", "never", m)
    elif m := _CURRENT.search(t):
        reading._set("counterpart.on_roll", "current", m)
