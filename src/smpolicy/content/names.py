"""Finding the school's people in text: a name index built once per roster, not a roster loop.

The index maps each folded name token to the people who carry it (first, preferred and last names),
with a deletion index (SymSpell) for names misspelt by one letter (two for names of eight letters
or more). A post is tokenised once; each token is a dictionary lookup, so the cost of a check does
not grow with the roster.

What counts as a mention:
- a full name: first or preferred name, then surname ("Oliver Smith", "oliver smith's"); either
  part may be misspelt if the other is exact ("Olivr Smith");
- a first name with the surname's initial ("Oliver S.");
- a title with a surname or first name ("Mrs Khan", "Miss Grace"), for adults;
- a first name alone, for pupils and staff, when the text makes it a name:
  - the same person is named in full elsewhere in the post ("Oliver Smith ... Oliver");
  - the name is no ordinary word ("Amira", any case);
  - the name is a rare word written with a capital mid-sentence ("then Harry scored");
  - the name is an everyday word (lexicon `name_words`: "will", "grace", "summer") only next to
    words that introduce a person ("well done to Grace"), a class or year ("Grace in Year 3"), a
    possessive of family or work ("Grace's mum"), or in a list with other names;
  - a misspelt first name alone only when written with a capital, not itself a word, and five
    letters or more.
Parents are found only by full name or title, since their first names are every adult's names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from smpolicy.content.lexicon import dictionary, fold, words
from smpolicy.content.school import Person

TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+(?:['’][^\W\d_]+)*)*")
_SENTENCE_END = frozenset(".!?\n\r")
_OPENERS = frozenset(" \t\"'“‘([*-•–—")
_LIST_JOIN = re.compile(r"^\s*(?:,|&|\+|/|,?\s*and|,?\s*or)\s*$", re.IGNORECASE)
_CLASS_AFTER = re.compile(
    r"^(?:'s)?\s*[(,\-–]?\s*(?:(?:in|from|of)\s+)?(?:"
    r"(?:year|yr|y)\s*\d|class\s+\w|reception\b|nursery\b|form\s+\w|r\b\)|ks[12]\b)",
    re.IGNORECASE,
)
_CLASS_BEFORE = re.compile(
    r"(?:(?:year|yr|y)\s*\d+|reception|nursery|class\s+\w+)(?:'s)?\s*(?:pupil|child|star)?\s*$",
    re.IGNORECASE,
)
# What a child does, just after a word that may be a name: "Ruby scored", "Will helped out".
# Only things people do, never what a season, a month or a flower is ("Summer was lovely").
_DOES_AFTER = re.compile(
    r"^\s+(?:won|wins|scored|sang|sings|painted|drew|wrote|built|tidied|helped|brought|led"
    r"|danced|performed|recited|earned|achieved|finished|completed|tried|played|swam|ran|jumped"
    r"|climbed|raised|donated|baked|cooked|smiled|laughed|cried|shared|answered|asked|told|said"
    r"|loves|loved|enjoyed|came (?:first|second|third|top)|got (?:his|her|their|a|an|the|top)"
    r"|did (?:a|an|his|her|their|so|really|brilliantly|amazingly|brilliant|amazing|great|well)"
    r"|has (?:won|made|done|got|earned|achieved|written|settled)"
    r"|was (?:awarded|chosen|picked|named|star)|is (?:star|our star|off sick|in hospital)"
    r"|wants|wanted|asked|asks|says|thinks|can'?t wait|couldn'?t wait|is so excited"
    r"|was so (?:excited|proud|brave)"
    # a part in a play: "Grace was amazing as Mary" (never "as always", "as usual")
    r"|(?:was|is) (?:\w+ ){0,2}as (?!always|usual|ever|expected|well|good|much|soon)"
    r"(?:the |a |an )?[A-Za-z]+)\b",
    re.IGNORECASE,
)
# Said of a child only, so a name in lower case is a name here too: "rose got star of the week".
_CHILD_AFTER = re.compile(
    r"\s+(?:got|won|is|was|has been|has got|gets) (?:the )?(?:star|pupil|writer|reader"
    r"|mathematician|scientist|artist|citizen|sports ?person|player) of the (?:week|day|month"
    r"|term|match)\b",
    re.IGNORECASE,
)
# Who a namesake is: "the composer Florence Price", "PE topic: Muhammad Ali", "production of
# Oliver!": a famous person or a title, not a pupil of the same name.
_NAMESAKE_BEFORE = re.compile(
    r"\b(?:composer|boxer|athlete|singer|songwriter|author|writer|novelist|poet|artist|painter"
    r"|sculptor|footballer|cricketer|runner|olympian|scientist|inventor|explorer|astronaut|actor"
    r"|actress|comedian|rapper|musician|president|prime minister|king|queen|saint|st\.?|legend"
    r"|hero|heroine|icon|topic|theme|production of|performance of|musical|show|film|movie|book"
    r"|story)\s*[:,-]?\s*$",
    re.IGNORECASE,
)
# A sentence about names as words, or star signs: "Ava and Theo are my favourite baby names",
# "Leo season starts today". First names alone in it are not people.
_ABOUT_NAMES = re.compile(
    r"\b(?:baby|popular|favourite|favorite|common|top|trendy|unusual|boys'?|girls'?|pet|dog'?s?"
    r"|cat'?s?) names?\b|\bnames? (?:for|of the year)\b|\bcommon name\b|\bhoroscope"
    r"|\bzodiac|\bstar sign|\b(?:leo|aries|gemini|libra|virgo|scorpio|pisces) season\b",
    re.IGNORECASE,
)
# Who a parent is, just after a first name: "Karen (Alfie's mum)", "Michelle, Ruby's mum".
_PARENT_OF_AFTER = re.compile(
    r"\s*[(,\-–]?\s*[A-Za-z]+['’]s (?:mum|mam|mom|mummy|dad|daddy|nan|nanna|gran|granny|grandma"
    r"|grandad|step-?mum|step-?dad)\b",
    re.IGNORECASE,
)
_CLASS_WORDS = frozenset({"year", "class", "reception", "nursery", "form", "group", "team"})


def _sentence_around(text: str, pos: int) -> tuple[int, int]:
    start = max(text.rfind(c, 0, pos) for c in ".!?\n") + 1
    ends = [e for e in (text.find(c, pos) for c in ".!?\n") if e >= 0]
    return start, min(ends) + 1 if ends else len(text)


# "Harry Potter", "Charlie and the Chocolate Factory": a first name inside another name or a title.
_TITLE_AFTER = re.compile(r"^(?:\s+(?:and|of|in|&)\s+the\s+[A-Z]|\s+[A-Z][a-z]+)")
_PLAIN_TITLES = frozenset({"mr", "mrs", "ms", "mx", "dr"})
_TEXT_SPEAK = frozenset("abcinoruxy")
_ADULT_ROLES = frozenset(
    {"staff", "volunteer", "trainee", "governor", "elected_member", "third_party", "parent"}
)
FIRST_ONLY_ROLES = frozenset(
    {"pupil", "staff", "volunteer", "trainee", "governor", "elected_member", "third_party"}
)


@dataclass(slots=True)
class Token:
    start: int
    end: int
    raw: str
    norm: str
    cap: bool
    initial: bool  # first word of a sentence: its capital says nothing
    possessive: bool


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    people: tuple[int, ...]  # indexes into NameIndex.people
    confidence: float
    form: str  # full | initial | title | first | coref | fuzzy


def tokenize(text: str) -> list[Token]:
    out = []
    for m in TOKEN.finditer(text):
        raw = m.group()
        start, end = m.span()
        possessive = False
        if len(raw) > 2 and raw[-2] in "'’" and raw[-1] in "sS":
            possessive = True
            raw = raw[:-2]
            end -= 2
        j = start - 1
        while j >= 0 and text[j] in _OPENERS:
            j -= 1
        initial = j < 0 or text[j] in _SENTENCE_END
        out.append(Token(start, end, raw, fold(raw), raw[0].isupper(), initial, possessive))
    return out


def distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit), stopping past limit."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        best = i
        for j in range(1, lb + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            best = min(best, v)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[lb]


def allowed_edits(word: str) -> int:
    return 2 if len(word) >= 8 else 1 if len(word) >= 4 else 0


def _deletes(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        nxt = set()
        for w in frontier:
            for i in range(len(w)):
                nxt.add(w[:i] + w[i + 1 :])
        out |= nxt
        frontier = nxt
    return out


def _variants(name: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A name's tokens as written on the roster, and spaced or joined where it has a hyphen or
    several words: "Mary-Jane" is also written "Mary Jane" and "Maryjane"."""
    if not name:
        return []
    out = [name]
    spaced = tuple(part for tok in name for part in tok.split("-") if part)
    if spaced != name:
        out.append(spaced)
    if len(spaced) > 1:
        out.append(("".join(spaced),))
    return out


class NameIndex:
    """The roster's names, ready to find in text. Built once per school context."""

    def __init__(self, people: Sequence[Person]) -> None:
        self.people = list(people)
        self.titles = words("titles")
        self.name_words = words("name_words")
        self.cues = words("name_cues_before")
        self.possessed = words("possessed")
        self._longest_cue = max((len(c.split()) for c in self.cues), default=1)
        lower_words, every_word = dictionary()
        self.lower_words = lower_words
        self.every_word = every_word
        self.has_dictionary = bool(every_word)
        # token -> [(person, the name's tokens)] for names a mention starts with
        self.given: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        self.family: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        self.last: list[tuple[str, ...]] = []
        # every way the surname is written: "Van der Berg", "Vanderberg"; "Smith-Jones",
        # "Smith Jones", "Smithjones"
        self.last_forms: list[tuple[tuple[str, ...], ...]] = []
        self.initials: list[str] = []
        for idx, person in enumerate(self.people):
            last = self._name_tokens(person.last_name)
            self.last.append(last)
            self.initials.append(last[0][:1] if last else "")
            forms = _variants(last)
            self.last_forms.append(tuple(forms))
            for form in forms:
                self.family.setdefault(form[0], []).append((idx, form))
            seen: set[tuple[str, ...]] = set()
            for given_name in (person.first_name, person.preferred_name):
                for toks in _variants(self._name_tokens(given_name or "")):
                    if toks not in seen:
                        seen.add(toks)
                        self.given.setdefault(toks[0], []).append((idx, toks))
        self._fuzzy: dict[str, set[str]] = {}
        for token in set(self.given) | set(self.family):
            for d in _deletes(token, allowed_edits(token)):
                self._fuzzy.setdefault(d, set()).add(token)
        self._fuzzy_cache: dict[str, tuple[tuple[str, int], ...]] = {}

    @staticmethod
    def _name_tokens(name: str) -> tuple[str, ...]:
        return tuple(fold(m.group()) for m in TOKEN.finditer(name))

    # -- how ordinary a word is --------------------------------------------------------------

    def everyday(self, norm: str) -> bool:
        return norm in self.name_words

    def is_word(self, norm: str) -> bool:
        """A word the dictionary writes in lower case: a capital is needed to make it a name."""
        return norm in self.lower_words

    # -- fuzzy --------------------------------------------------------------------------------

    def near(self, norm: str) -> tuple[tuple[str, int], ...]:
        """Index tokens within the allowed edits of `norm`, nearest first."""
        hit = self._fuzzy_cache.get(norm)
        if hit is not None:
            return hit
        limit = allowed_edits(norm)
        found: dict[str, int] = {}
        if limit:
            for d in _deletes(norm, limit):
                for token in self._fuzzy.get(d, ()):
                    if token in found or token == norm:
                        continue
                    k = distance(norm, token, min(limit, allowed_edits(token)))
                    if k <= min(limit, allowed_edits(token)):
                        found[token] = k
        result = tuple(sorted(found.items(), key=lambda kv: (kv[1], kv[0])))
        if len(self._fuzzy_cache) > 50_000:
            self._fuzzy_cache.clear()
        self._fuzzy_cache[norm] = result
        return result

    # -- finding ------------------------------------------------------------------------------

    def find(self, text: str, tokens: list[Token] | None = None) -> list[Mention]:
        if not self.people:
            return []
        toks = tokenize(text) if tokens is None else tokens
        mentions: list[Mention] = []
        pending: list[tuple[int, tuple[int, ...], bool]] = []  # (token index, people, fuzzy)
        n = len(toks)
        given, family, titles, words = self.given, self.family, self.titles, self.every_word
        i = 0
        while i < n:
            tok = toks[i]
            norm = tok.norm
            # Most words are no one's name: out at once, unless a surname follows (a misspelt
            # first name) or it is a capitalised non-word (a misspelt name on its own).
            if (
                norm not in given
                and norm not in titles
                and (not tok.cap or norm in words or len(norm) < 4)
                and not (i + 1 < n and toks[i + 1].norm in family)
            ):
                i += 1
                continue
            if tok.norm in self.titles and i + 1 < n and self._joined(text, toks, i, i + 1, "."):
                hit = self._after_title(text, toks, i)
                if hit is not None:
                    mentions.append(hit[0])
                    i = hit[1]
                    continue
            full = (
                self._full(text, toks, i)
                or self._with_initial(text, toks, i)
                or self._given_only(text, toks, i)
            )
            if full is not None:
                if not _NAMESAKE_BEFORE.search(text, max(0, tok.start - 30), tok.start):
                    mentions.append(full[0])
                i = full[1]
                continue
            single = self._single(toks, i)
            if single is not None:
                pending.append((i, *single))
            elif tok.cap and _PARENT_OF_AFTER.match(text, tok.end):
                parents = tuple(
                    sorted(
                        p
                        for p, parts in self.given.get(norm, ())
                        if len(parts) == 1 and self.people[p].role == "parent"
                    )
                )
                if parents:
                    mentions.append(Mention(tok.start, tok.end, parents, 0.8, "first"))
            i += 1
        if pending:
            mentions.extend(self._resolve(text, toks, pending, mentions))
            mentions.sort(key=lambda m: m.start)
        return mentions

    def _given_only(self, text: str, toks: list[Token], i: int) -> tuple[Mention, int] | None:
        """A first name of two words alone ("Ellie Mae" for Ellie-Mae): rare enough as a pair
        of words to be the child, with a capital."""
        if not toks[i].cap:
            return None
        best: tuple[tuple[int, ...], int] | None = None
        for person, parts in self.given.get(toks[i].norm, ()):
            if len(parts) < 2 or not self._follows(toks, i, parts):
                continue
            if self.people[person].role not in FIRST_ONLY_ROLES:
                continue
            end = i + len(parts) - 1
            if not all(self._joined(text, toks, k, k + 1) for k in range(i, end)):
                continue
            people = (best[0] if best and best[1] == end else ()) + (person,)
            best = (tuple(sorted(set(people))), end)
        if best is None:
            return None
        people, end = best
        return Mention(toks[i].start, toks[end].end, people, 0.85, "first"), end + 1

    def _joined(self, text: str, toks: list[Token], a: int, b: int, extra: str = "") -> bool:
        """Tokens a and b are neighbours: only spaces (and `extra`) between, possessive-free."""
        if toks[a].possessive:
            return False
        gap = text[toks[a].end : toks[b].start]
        return len(gap) <= 3 and all(c in " \t" or c in extra for c in gap) and "\n" not in gap

    def _given_at(self, toks: list[Token], i: int, fuzzy: bool) -> list[tuple[int, int, int]]:
        """(person, tokens used, edits) for given names starting at token i."""
        out: list[tuple[int, int, int]] = []
        norm = toks[i].norm
        for person, parts in self.given.get(norm, ()):
            if self._follows(toks, i, parts):
                out.append((person, len(parts), 0))
        if not out and fuzzy and len(norm) >= 4:
            for token, k in self.near(norm):
                for person, parts in self.given.get(token, ()):
                    if len(parts) == 1:
                        out.append((person, 1, k))
        return out

    @staticmethod
    def _follows(toks: list[Token], i: int, parts: tuple[str, ...]) -> bool:
        if i + len(parts) > len(toks):
            return False
        return all(toks[i + k].norm == parts[k] for k in range(1, len(parts)))

    def _last_at(self, toks: list[Token], j: int, person: int) -> tuple[int, int] | None:
        """(edits, tokens) of person's surname at token j, in any of its written forms."""
        best: tuple[int, int] | None = None
        for last in self.last_forms[person]:
            if j + len(last) > len(toks):
                continue
            if all(toks[j + k].norm == last[k] for k in range(len(last))):
                return 0, len(last)
            if len(last) == 1 and best is None:
                limit = min(allowed_edits(last[0]), allowed_edits(toks[j].norm))
                if limit:
                    k = distance(toks[j].norm, last[0], limit)
                    if k <= limit:
                        best = (k, 1)
        return best

    def _full(self, text: str, toks: list[Token], i: int) -> tuple[Mention, int] | None:
        best: dict[int, tuple[int, int]] = {}  # person -> (end token, edits)
        # A misspelt first name is only looked for before a surname, or where it is capitalised
        # and no word: the fuzzy lookup is the costly part.
        tok = toks[i]
        fuzzy = (i + 1 < len(toks) and toks[i + 1].norm in self.family) or (
            tok.cap and tok.norm not in self.every_word
        )
        for person, used, edits in self._given_at(toks, i, fuzzy=fuzzy):
            j = i + used
            if j >= len(toks) or not self._joined(text, toks, j - 1, j):
                continue
            at = self._last_at(toks, j, person)
            if at is None:
                continue
            last_edits, last_len = at
            total = edits + last_edits
            # Both misspelt: only for long names, where two slips still leave it clear.
            short = min(len(toks[i].norm), len(toks[j].norm)) < 5
            if edits and last_edits and (short or total > 2):
                continue
            end = j + last_len - 1
            if not self._full_plausible(toks, i, end, edits, last_edits) and not (
                edits + last_edits == 0 and self._cue(text, toks, i)
            ):
                continue
            prior = best.get(person)
            if prior is None or total < prior[1]:
                best[person] = (end, total)
        if not best:
            return None
        fewest = min(e for _, e in best.values())
        people = tuple(sorted(p for p, (_, e) in best.items() if e == fewest))
        end = max(best[p][0] for p in people)
        confidence = 0.98 if fewest == 0 else 0.9 if fewest == 1 else 0.85
        return Mention(toks[i].start, toks[end].end, people, confidence, "full"), end + 1

    def _full_plausible(
        self, toks: list[Token], i: int, end: int, given_edits: int, last_edits: int
    ) -> bool:
        """Two everyday words in lower case ("will bell") are words, not a name."""
        span = toks[i : end + 1]
        if all(self.everyday(t.norm) or self.is_word(t.norm) for t in span):
            return all(t.cap for t in span)
        # A misspelt part next to an everyday word written in lower case is too weak.
        if (given_edits or last_edits) and not any(t.cap for t in span):
            return not any(self.everyday(t.norm) or self.is_word(t.norm) for t in span)
        return True

    def _after_title(self, text: str, toks: list[Token], i: int) -> tuple[Mention, int] | None:
        j = i + 1
        start = toks[i].start
        full = self._full(text, toks, j)
        if full is not None:
            m, nxt = full
            return Mention(start, m.end, m.people, max(m.confidence, 0.95), "title"), nxt
        # "mr wood": after a title that is only ever a title, the surname needs no capital.
        if not toks[j].cap and toks[i].norm not in _PLAIN_TITLES:
            return None
        adults: list[tuple[int, int]] = []
        norm = toks[j].norm
        for person, parts in self.family.get(norm, ()):
            if self.people[person].role in _ADULT_ROLES and self._follows(toks, j, parts):
                adults.append((person, j + len(parts) - 1))
        edits = 0
        if not adults and len(norm) >= 4:
            for token, k in self.near(norm):
                for person, parts in self.family.get(token, ()):
                    if self.people[person].role in _ADULT_ROLES and len(parts) == 1:
                        adults.append((person, j))
                        edits = k
                if adults:
                    break
        if not adults:
            # "Miss Grace": some schools call staff by title and first name.
            for person, parts in self.given.get(norm, ()):
                role = self.people[person].role
                if role in _ADULT_ROLES and role != "parent" and self._follows(toks, j, parts):
                    adults.append((person, j + len(parts) - 1))
        if not adults:
            return None
        # Staff first: "Mrs Khan" at a school is the teacher before it is a parent.
        staff = [a for a in adults if self.people[a[0]].role != "parent"]
        chosen = staff or adults
        people = tuple(sorted({p for p, _ in chosen}))
        end = max(e for _, e in chosen)
        confidence = (0.95 if len(people) == 1 else 0.85) - 0.1 * edits
        return Mention(start, toks[end].end, people, confidence, "title"), end + 1

    def _with_initial(self, text: str, toks: list[Token], i: int) -> tuple[Mention, int] | None:
        """ "Oliver S." or "Oliver S": a first name and the surname's initial."""
        j = i + 1
        if j >= len(toks) or not self._joined(text, toks, i, j):
            return None
        letter = toks[j].raw
        if len(letter) != 1 or not letter.isalpha():
            return None
        after = text[toks[j].end : toks[j].end + 1]
        # "I" and "A" are words; with a full stop after them they are initials.
        if letter in "IA" and after != ".":
            return None
        if letter.islower():
            # "amira k": in lower case only after a name no word could be, and not a letter
            # that stands for a word in text speak ("u", "r", "n", "x").
            norm = toks[i].norm
            if letter in _TEXT_SPEAK or self.everyday(norm) or self.is_word(norm):
                return None
        initial = fold(letter)
        # "Karen H": a parent too, when both are written with capitals, as people sign off
        adults_too = letter.isupper() and toks[i].cap
        people = tuple(
            sorted(
                p
                for p, parts in self.given.get(toks[i].norm, ())
                if len(parts) == 1
                and self.initials[p] == initial
                and (self.people[p].role in FIRST_ONLY_ROLES or adults_too)
            )
        )
        if not people:
            return None
        end = toks[j].end + (1 if after == "." else 0)
        confidence = 0.9 if len(people) == 1 else 0.8
        return Mention(toks[i].start, end, people, confidence, "initial"), j + 1

    def _single(self, toks: list[Token], i: int) -> tuple[tuple[int, ...], bool] | None:
        """People a lone first name at token i may be (pupils and staff), and whether misspelt."""
        tok = toks[i]
        norm = tok.norm
        entries = self.given.get(norm)
        if entries:
            people = tuple(
                sorted(
                    {
                        p
                        for p, parts in entries
                        if len(parts) == 1 and self.people[p].role in FIRST_ONLY_ROLES
                    }
                )
            )
            return (people, False) if people else None
        if (
            tok.cap
            and len(norm) >= 5
            and self.has_dictionary
            and norm not in self.every_word
            and norm not in self.titles
            and norm not in self.family
        ):
            near = self.near(norm)
            if near:
                fewest = near[0][1]
                found = {
                    p
                    for token, k in near
                    if k == fewest
                    for p, parts in self.given.get(token, ())
                    if len(parts) == 1 and self.people[p].role in FIRST_ONLY_ROLES
                }
                if found:
                    return tuple(sorted(found)), True
        return None

    # -- lone first names: does the text make them a name? ------------------------------------

    def _resolve(
        self,
        text: str,
        toks: list[Token],
        pending: list[tuple[int, tuple[int, ...], bool]],
        found: list[Mention],
    ) -> list[Mention]:
        named = {p for m in found for p in m.people if m.form in ("full", "initial", "title")}
        accepted: dict[int, Mention] = {}
        waiting: list[tuple[int, tuple[int, ...], bool]] = []
        about_names: dict[int, bool] = {}
        for i, people, misspelt in pending:
            tok = toks[i]
            if tok.cap and not tok.possessive and self._other_name_after(text, toks, i):
                continue
            if tok.possessive and self._work_after_possessive(toks, i):
                continue
            if _NAMESAKE_BEFORE.search(text, max(0, tok.start - 30), tok.start):
                continue
            if tok.cap and self._outside_pair(text, toks, i):
                continue
            start, end = _sentence_around(text, tok.start)
            if start not in about_names:
                about_names[start] = bool(_ABOUT_NAMES.search(text, start, end))
            if about_names[start]:
                continue
            same = tuple(p for p in people if p in named)
            everyday = self.everyday(tok.norm)
            word = everyday or self.is_word(tok.norm)
            if same and not misspelt and (tok.cap or not word):
                accepted[i] = Mention(tok.start, tok.end, same, 0.95, "coref")
                continue
            cue = self._cue(text, toks, i)
            confidence = 0.8 if len(people) == 1 else 0.7
            if misspelt:
                accepted[i] = Mention(tok.start, tok.end, people, 0.6, "fuzzy")
                continue
            if _CHILD_AFTER.match(text, tok.end):
                accepted[i] = Mention(tok.start, tok.end, people, 0.75, "first")
                continue
            if everyday:
                if tok.cap and cue:
                    accepted[i] = Mention(tok.start, tok.end, people, 0.75, "first")
                else:
                    waiting.append((i, people, misspelt))
                continue
            if word:
                if tok.cap and (cue or not tok.initial):
                    accepted[i] = Mention(tok.start, tok.end, people, 0.75, "first")
                else:
                    waiting.append((i, people, misspelt))
                continue
            if len(tok.norm) <= 3 and not tok.cap:
                # "theo wright and ava": a short name in lower case only in a list of names
                waiting.append((i, people, misspelt))
                continue
            accepted[i] = Mention(tok.start, tok.end, people, confidence, "first")
        # Names in a list with other names ("Grace, Will and Oliver") are names.
        anchors = {self._token_at(toks, m.start): m for m in found}
        anchors.update(accepted)
        changed = True
        while changed and waiting:
            changed = False
            for item in list(waiting):
                i, people, _ = item
                tok = toks[i]
                if not tok.cap and (self.everyday(tok.norm) or self.is_word(tok.norm)):
                    continue
                if self._listed_with(text, toks, i, anchors):
                    accepted[i] = Mention(tok.start, tok.end, people, 0.75, "first")
                    anchors[i] = accepted[i]
                    waiting.remove(item)
                    changed = True
        return list(accepted.values())

    def _outside_pair(self, text: str, toks: list[Token], i: int) -> bool:
        """ "Mo Farah": two first names side by side, both capitalised, that are no one's full
        name on the roster are someone else's first name and surname. Three or more in a row
        ("Sofia Ruby Aisha") are a list written without commas."""
        run = 1
        for step in (-1, 1):
            k = i
            while 0 <= k + step < len(toks) and self._joined(
                text, toks, min(k, k + step), max(k, k + step)
            ):
                other = toks[k + step]
                if not (other.cap and other.norm in self.given and len(other.norm) > 1):
                    break
                run += 1
                k += step
        if run >= 3:
            return False
        for a, b in ((i - 1, i), (i, i + 1)):
            if a < 0 or b >= len(toks) or not self._joined(text, toks, a, b):
                continue
            other = toks[a if b == i else b]
            if other.cap and other.norm in self.given and len(other.norm) > 1:
                return True
        return False

    def _work_after_possessive(self, toks: list[Token], i: int) -> bool:
        """ "Noah's Ark", "Charlotte's Web": a possessive name before a capitalised word that is
        no one's name and no family or class word is the title of a story, a place, a shop."""
        j = i + 1
        if j >= len(toks) or not toks[j].cap or toks[j].initial or toks[j].raw.isupper():
            return False
        nxt = toks[j].norm
        return (
            nxt not in self.possessed
            and nxt not in self.given
            and nxt not in self.family
            and nxt not in _CLASS_WORDS
        )

    def _other_name_after(self, text: str, toks: list[Token], i: int) -> bool:
        """The name runs on into words that are no one's on the roster: another name, a title."""
        follow = _TITLE_AFTER.match(text[toks[i].end : toks[i].end + 40])
        if follow is None:
            return False
        if follow.group().lstrip()[:1].islower():
            return True
        j = i + 1
        if j >= len(toks) or toks[j].initial:
            return False
        nxt = toks[j].norm
        return nxt not in self.family and nxt not in self.given

    @staticmethod
    def _token_at(toks: list[Token], start: int) -> int:
        for k, t in enumerate(toks):
            if t.start == start:
                return k
        return -1

    def _listed_with(
        self, text: str, toks: list[Token], i: int, anchors: dict[int, Mention]
    ) -> bool:
        for k, m in anchors.items():
            if k < 0:
                continue
            # the anchor may span several tokens: measure from its end, or to its start
            gap = text[m.end : toks[i].start] if k < i else text[toks[i].end : m.start]
            if len(gap) <= 6 and _LIST_JOIN.match(gap):
                return True
            # "Sofia Ruby Aisha": capitalised names side by side are a list without commas
            if toks[i].cap and gap.strip(" ") == "" and 0 < len(gap) <= 2:
                return True
        return False

    def _cue(self, text: str, toks: list[Token], i: int) -> bool:
        tok = toks[i]
        after = text[tok.end : tok.end + 32]
        if _CLASS_AFTER.match(after):
            return True
        if tok.cap and not tok.possessive and _DOES_AFTER.match(after):
            return True
        if tok.possessive and i + 1 < len(toks) and toks[i + 1].norm in self.possessed:
            return True
        before = text[max(0, tok.start - 40) : tok.start]
        if _CLASS_BEFORE.search(before):
            return True
        # words just before, within the sentence
        words_before: list[str] = []
        k = i - 1
        while k >= 0 and len(words_before) < self._longest_cue:
            gap = text[toks[k].end : toks[k + 1].start if k + 1 < len(toks) else tok.start]
            if any(c in _SENTENCE_END for c in gap):
                break
            words_before.insert(0, toks[k].norm)
            k -= 1
        for size in range(1, len(words_before) + 1):
            if " ".join(words_before[-size:]) in self.cues:
                return True
        return False


def people_of(index: NameIndex, mention: Mention) -> Iterable[Person]:
    return (index.people[p] for p in mention.people)
