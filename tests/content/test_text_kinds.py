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
            ("email dan @ icloud . com", "dan @ icloud . com"),
            ("my email is jo at gmail.com", "jo at gmail.com"),
        ],
        [
            "Email office@straits.sch.uk please",
            "admin@trust.straits.sch.uk is new",
            "Follow us @StraitsPrimary",
            "I work at bbc.co.uk now",
            "Tickets £5 @ the door",
        ],
    ),
    "personal_phone": (
        [
            ("Text me on 07911 123456", "07911 123456"),
            ("My number is +44 7911 123456", "+44 7911 123456"),
            ("ring (0161) 496 0000", "(0161) 496 0000"),
            ("WhatsApp 07700900789 now", "07700900789"),
            ("call 0044 7911 123456", "0044 7911 123456"),
            ("my mobile 07700-900-123", "07700-900-123"),
            ("whatsapp +44 (0) 7700 900123", "+44 (0) 7700 900123"),
            ("home (01632) 960 001", "(01632) 960 001"),
        ],
        [
            "Call the school office on 01632 960000",
            "Call the office on (01632) 960 000",
            "Term dates 2024-2025",
            "Childline is free on 0800 1111",
            "Arrive by 08:45 on 12/03/2025",
            "We raised 1,250 pounds",
            "Order number 0012345678 has been dispatched",
            "Tracking number 01234567890",
            "Booking reference 07700900123",
            "ISBN 0-14-032872-1",
            "Breakfast club 07.45-08.45",
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
            ("Oliver Smith's dad is in prison", "in prison"),
            ("Kacper's family are refugees, keep it hush", "keep it hush"),
        ],
        [
            "The school nurse runs a confidential drop-in",
            "It is Autism Acceptance Week",
            "Safeguarding training on Monday",
            "Social services are under pressure nationally",
            "Our Ofsted report is out!",
            "Please don't send nuts in, we have pupils with allergies",
        ],
    ),
    "security_sensitive": (
        [
            ("The door code is 4721", "door code is 4721"),
            ("the key safe by the door", "key safe"),
            ("The wifi password is Straits2025!", "wifi password is Straits2025!"),
            ("I'm on my own in school until 7", "I'm on my own in school"),
            ("Heads up: the CCTV is broken again", "the CCTV is broken"),
            ("Code for the side gate is 1234", "Code for the side gate is 1234"),
            ("Alarm's 9876, remember", "Alarm's 9876"),
            ("username staff1 password Summer24", "username staff1 password Summer24"),
            ("I'll be in school on my own on Saturday", "I'll be in school on my own"),
            ("The back door doesn't lock properly", "door doesn't lock"),
        ],
        [
            "Forgotten your password? Use the reset link",
            "Code club starts Tuesday",
            "Dress code is smart casual",
            "The parent volunteer rota is on the board",
            "The gate opens at 8:40 for drop off",
            "Use code SUMMER10 for 10% off",
            "Nobody at the school could believe how well they did",
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
            ("Typical foreigners, they never queue", "Typical foreigners"),
            ("Go back where you came from", "Go back where you came from"),
            ("I hope she dies", "I hope she dies"),
            ("He is gonna get you after school", "gonna get you"),
            ("Get lost you muppet", "you muppet"),
        ],
        [
            "I'd kill for a cup of tea",
            "My son is gay and we are proud",
            "Lovely jam tarts",
            "Blue tits nesting in the garden",
            "Scunthorpe on the map",
            "Moby Dick project",
            "Assessment week",
            "I'll get you a coffee on the way in",
            "I'll find you after assembly to sign the form",
            "Refugees welcome here",
            "Typical British weather",
        ],
    ),
    "defamatory_risk": (
        [
            ("Mr Wood stole money from the PTA", "stole"),
            ("Mrs Khan is a liar", "is a liar"),
            ("The head was drunk at the party", "was drunk at"),
            ("That teacher should be sacked", "should be sacked"),
            ("The office staff are thieves", "are thieves"),
            ("The caretaker is always drunk", "is always drunk"),
            ("Mr Bamford got sacked for fiddling expenses", "got sacked for fiddling expenses"),
        ],
        [
            "The liar in the film got what he deserved",
            "My phone was stolen at the gym",
            "Cover up warmly, it is cold",
            "We read a story about a fox who stole the hens",
            "Freya Thompson stole the show at the nativity",
        ],
    ),
    "illegal_conduct": (
        [
            ("Staff night out: did lines of coke", "did lines"),
            ("Year 6 kids are selling weed behind the school", "selling weed"),
            ("A boy was stabbed outside the school gates", "stabbed"),
            ("Somebody in Year 5 shoplifting again", "shoplifting"),
            ("Somebody broke into the school last night", "broke into"),
            ("A pupil brought a knife into school", "brought a knife"),
        ],
        [
            "Police say knife crime is falling",
            "Coke or lemonade at the disco",
            "The weed in the school garden is taking over",
            "My car was stolen from outside the gym",
            "I've stolen five minutes to write this",
            "Year 6 learned about the Great Train Robbery",
            "The kids were high on sugar after the party",
        ],
    ),
    "school_criticism": (
        [
            ("The school is useless", "The school is useless"),
            ("Worst school in the area", "Worst school"),
            ("The head doesn't care about bullying", "The head doesn't care"),
            ("Ridiculous decision to cancel sports day", "Ridiculous decision"),
            ("The school has let my son down", "The school has let my son down"),
            ("The new uniform policy is ridiculous", "uniform policy is ridiculous"),
            ("Not impressed with the school at all", "Not impressed with the school"),
        ],
        [
            "The weather was awful but the children were amazing",
            "I had a terrible cold so missed the school fair",
            "The school is brilliant, thank you",
            "Not disappointed at all with the results",
            "The school never fails to impress me",
            "Terrible weather for sports day but the school did brilliantly",
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


def test_curly_apostrophes_are_read_like_straight_ones(school):
    text = "The head doesn’t care and I’ll be in school on my own tonight"
    kinds = {f.kind: text[f.start : f.end] for f in check_text(text, school)}
    assert kinds["school_criticism"] == "The head doesn’t care"
    assert kinds["security_sensitive"] == "I’ll be in school on my own"


def test_phrases_side_by_side_are_one_finding(school):
    text = "The spare key is in the key safe by the back door"
    assert found(text, school, "security_sensitive") == ["spare key is in the key safe"]
