"""Each text finding kind, with the hard negatives that must not be found."""

from __future__ import annotations

import pytest

from smpolicy.content import check_text


def found(text, school, kind):
    return [text[f.start : f.end] for f in check_text(text, school) if f.kind == kind]


CASES = {
    "personal_email": (
        [
            ("email me at jo.bloggs84@gmail.com", "jo.bloggs84@gmail.com"),
            ("my other school: j.smith@oakwood.sch.uk", "j.smith@oakwood.sch.uk"),
            ("drop me a line: jo dot bloggs at gmail dot com", "jo dot bloggs at gmail dot com"),
        ],
        [
            "Email office@straits.sch.uk please",
            "admin@trust.straits.sch.uk is new",
            "Follow us @StraitsPrimary",
        ],
    ),
    "personal_phone": (
        [
            ("Text me on 07911 123456", "07911 123456"),
            ("My number is +44 7911 123456", "+44 7911 123456"),
            ("ring (0161) 496 0000", "(0161) 496 0000"),
            ("WhatsApp 07700900789 now", "07700900789"),
            ("call 0044 7911 123456", "0044 7911 123456"),
        ],
        [
            "Call the school office on 01632 960000",
            "Call the office on (01632) 960 000",
            "Term dates 2024-2025",
            "Childline is free on 0800 1111",
            "Arrive by 08:45 on 12/03/2025",
            "We raised 1,250 pounds",
        ],
    ),
    "school_name": (
        [
            ("Proud to teach at Straits Primary School", "Straits Primary School"),
            ("straits primary's new library", "straits primary"),
            ("Go Straits!", "Straits"),
            ("SPS sports day", "SPS"),
        ],
        ["Sailing the Straits of Gibraltar", "in dire straits this week", "Oakwood Primary's fair"],
    ),
    "confidential": (
        [
            ("Please keep this confidential", "confidential"),
            ("Oliver Smith has ADHD and struggles", "ADHD"),
            ("Made a MASH referral today", "MASH referral"),
            ("Happy birthday, born 14/03/2017!", "14/03/2017"),
            ("There is going to be redundancies", "redundancies"),
        ],
        [
            "The school nurse runs a confidential drop-in",
            "It is Autism Acceptance Week",
            "Safeguarding training on Monday",
            "Social services are under pressure nationally",
            "Our Ofsted report is out!",
        ],
    ),
    "security_sensitive": (
        [
            ("The door code is 4721", "door code is 4721"),
            ("the key safe by the door", "key safe"),
            ("The wifi password is Straits2025!", "wifi password is Straits2025!"),
            ("I'm on my own in school until 7", "I'm on my own in school"),
            ("Heads up: the CCTV is broken again", "the CCTV is broken"),
        ],
        [
            "Forgotten your password? Use the reset link",
            "Code club starts Tuesday",
            "Dress code is smart casual",
            "The parent volunteer rota is on the board",
        ],
    ),
    "offensive": (
        [
            ("What a fucking day", "fucking"),
            ("F**k this traffic", "F**k"),
            ("sh1t printer", "sh1t"),
            ("Stop acting like a retard", "retard"),
            ("Go back to your own country", "Go back to your own country"),
            ("I know where you live", "I know where you live"),
            ("That's so gay lol", "so gay"),
        ],
        [
            "I'd kill for a cup of tea",
            "My son is gay and we are proud",
            "Lovely jam tarts",
            "Blue tits nesting in the garden",
            "Scunthorpe on the map",
            "Moby Dick project",
            "Assessment week",
        ],
    ),
    "defamatory_risk": (
        [
            ("Mr Wood stole money from the PTA", "stole"),
            ("Mrs Khan is a liar", "is a liar"),
            ("The head was drunk at the party", "was drunk at"),
            ("That teacher should be sacked", "should be sacked"),
        ],
        [
            "The liar in the film got what he deserved",
            "My phone was stolen at the gym",
            "Cover up warmly, it is cold",
        ],
    ),
    "illegal_conduct": (
        [
            ("Staff night out: did lines of coke", "did lines"),
            ("Year 6 kids are selling weed behind the school", "selling weed"),
            ("A boy was stabbed outside the school gates", "stabbed"),
        ],
        [
            "Police say knife crime is falling",
            "Coke or lemonade at the disco",
            "The weed in the school garden is taking over",
        ],
    ),
    "school_criticism": (
        [
            ("The school is useless", "The school is useless"),
            ("Worst school in the area", "Worst school"),
            ("The head doesn't care about bullying", "The head doesn't care"),
            ("Ridiculous decision to cancel sports day", "Ridiculous decision"),
        ],
        [
            "The weather was awful but the children were amazing",
            "I had a terrible cold so missed the school fair",
            "The school is brilliant, thank you",
            "Not disappointed at all with the results",
        ],
    ),
}


@pytest.mark.parametrize(
    ("kind", "text", "span"),
    [(kind, text, span) for kind, (pos, _) in CASES.items() for text, span in pos],
)
def test_found(kind, text, span, school):
    # the finding covers the words that make it, give or take the words around them
    assert any(span in got or got in span for got in found(text, school, kind))


@pytest.mark.parametrize(
    ("kind", "text"), [(kind, text) for kind, (_, neg) in CASES.items() for text in neg]
)
def test_not_found(kind, text, school):
    assert found(text, school, kind) == []


def test_offensive_findings_say_which_kind_of_offensive(school):
    cats = {
        f.category
        for f in check_text("fucking retard, I know where you live", school)
        if f.kind == "offensive"
    }
    assert cats == {"obscene", "discriminatory", "threat"}


def test_a_pupils_date_of_birth_from_the_roster_is_confidential(school):
    assert found("The 14 March 2017 was a Tuesday", school, "confidential") == ["14 March 2017"]
    assert found("The 15 March 2017 was a Wednesday", school, "confidential") == []


def test_text_too_long_is_refused(school):
    with pytest.raises(ValueError, match="characters"):
        check_text("a" * 100_001, school)
