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


# -- after the first blind set: families of phrasing, not sentences --------------------------------


def kinds_of(text, school):
    return {f.kind for f in check_text(text, school)}


@pytest.mark.parametrize(
    "text",
    [
        "Mr Wood has been nicking from the PTA cash box",
        "the head is pocketing the trip money",
        "Mrs Khan hits the kids when nobody is looking",
        "the PE teacher films the girls getting changed",
        "Miss Desai was sacked from her last school for hitting a kid",
        "Mr Lloyd gave his class the answers in the SATs",
        "the school knew about it and did nothing",
        "Mrs Fletcher only got the deputy job cos she's mates with the head",
        "Straits Primary took him back after what he did",
    ],
)
def test_an_allegation_about_staff_or_the_school_is_also_criticism(text, school):
    assert {"defamatory_risk", "school_criticism"} <= kinds_of(text, school)


@pytest.mark.parametrize(
    "text",
    [
        "Paul Evans smacked his lad round the head in the car park",
        "Emma Jones drove home drunk from the quiz",
        "Karen Hill is on the fiddle with her benefits",
    ],
)
def test_a_crime_pinned_on_a_named_parent_is_an_allegation_but_no_criticism(text, school):
    kinds = kinds_of(text, school)
    assert {"defamatory_risk", "illegal_conduct"} <= kinds
    assert "school_criticism" not in kinds


@pytest.mark.parametrize(
    "text",
    [
        "my brother nicked two of the laptops from the ICT room",
        "drove the kids to footy after 3 pints, they never noticed",
        "cheap school coats, fell off the back of a lorry",
        "torrented every film on the staff laptop",
        "some lads are selling vapes to the Y5s by the gate",
    ],
)
def test_crimes_with_no_one_named_are_illegal_conduct_only(text, school):
    kinds = kinds_of(text, school)
    assert "illegal_conduct" in kinds
    assert "defamatory_risk" not in kinds


@pytest.mark.parametrize(
    "text",
    [
        "CSI day: who stole the biscuits from the staffroom? the kids solved it",
        "what a match, the Y6 netball team stole it at the death",
        "We learned about the Great Train Robbery",
    ],
)
def test_games_and_lessons_are_no_crime(text, school):
    assert not kinds_of(text, school) & {"illegal_conduct", "defamatory_risk"}


@pytest.mark.parametrize(
    "text",
    [
        "Mr Bamford is clueless",
        "the SENCO has been useless with our support plan",
        "the head just doesnt listen to parents",
        "teachers at SPS are so stuck up",
        "lunchtime supervision is a shambles",
        "Mrs Jones sets way too much homework",
        "still no reply from the office after 3 weeks",
        "bollocks to the new uniform rules",
        "that snooty cow on reception needs sacking",
        "30 kids in the hall with one adult at wet play, how is that safe?",
    ],
)
def test_criticism_of_staff_is_found_by_who_the_clause_is_about(text, school):
    assert "school_criticism" in kinds_of(text, school)


@pytest.mark.parametrize(
    "text",
    [
        "the head told me my son is useless at spelling",
        "Mr Bamford is brilliant, my son loves maths now",
        "dirty immigrants taking the school places",
        "the weather at sports day was a shambles",
    ],
)
def test_what_is_not_criticism_of_the_school(text, school):
    assert "school_criticism" not in kinds_of(text, school)


@pytest.mark.parametrize(
    "text",
    [
        "the fire exit by Y4 doesnt shut properly",
        "the side gate by the field is never locked after 3",
        "CCTV on the back playground has been broken since January",
        "Mr Wood locks up on his own at 6",
        "on Mondays there's only one adult in the building after 5",
        "login for the class blog is y3blog / Otter22",
        "Teams password for the safeguarding folder is DSL#2024",
        "the code for the staff gate is still 1234",
    ],
)
def test_security_families(text, school):
    assert "security_sensitive" in kinds_of(text, school)


@pytest.mark.parametrize(
    "text",
    [
        "Kacper's EHCP review is Thursday",
        "fingers crossed we get the 1:1 funding",
        "Y4 reading ages spreadsheet attached",
        "Ofsted rang, they're in on Wednesday",
        "Ethan Clarke and Jack Brown had a scrap at lunch",
    ],
)
def test_pupil_data_and_unannounced_inspections_are_confidential(text, school):
    assert "confidential" in kinds_of(text, school)


@pytest.mark.parametrize(
    "text",
    [
        "Applications are treated in confidence. Closing date Friday.",
        "Childline is free and confidential for children, any time",
        "Reading ages go up when children read at home",
        "Ofsted visited in 2019 and the report is on our website",
    ],
)
def test_saying_something_is_kept_private_is_no_secret(text, school):
    assert "confidential" not in kinds_of(text, school)


def test_one_finding_of_a_kind_a_sentence(school):
    text = "Strictly confidential but 3 TA redundancies are coming, keep it quiet"
    assert len(found(text, school, "confidential")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Childline is free on 0800 1111",
        "Samaritans: call 116 123 any time",
        "Call 111 for advice or 999 in an emergency",
        "the helpline is 0808 800 5000",
    ],
)
def test_public_service_numbers_are_no_ones_personal_phone(text, school):
    assert "personal_phone" not in kinds_of(text, school)


def test_a_dish_and_a_sneer(school):
    assert "offensive" not in kinds_of("faggots and peas for lunch", school)
    assert "offensive" in kinds_of("that stuck up cow in the office", school)


# -- allegations said in plain words (the second blind set's misses, by cause) ------------------


@pytest.mark.parametrize(
    "text",
    [
        "Mr Lloyd put his hands on my daughter at the disco",
        "Saw Mrs Fletcher drag a girl out of the hall by her arm",
        "Mr Wood grabbed a boy against the wall on the trip",
        "Mrs Khan has been helping herself to the tuck shop money",
        "I heard Mr Okonkwo has been fiddling the minibus expenses",
    ],
)
def test_hands_on_a_child_and_helping_oneself_are_allegations_about_staff(text, school):
    assert {"illegal_conduct", "defamatory_risk", "school_criticism"} <= kinds_of(text, school)


@pytest.mark.parametrize(
    "text",
    [
        "The PTA treasurer reeks of cannabis at every meeting",
        "Is it true the caretaker was arrested last night??",
        "Someone has been helping themselves to the raffle float, naming no names",
        "The minibus driver smells of weed on every trip",
    ],
)
def test_drugs_arrests_and_insinuated_theft_are_pinned_on_someone(text, school):
    assert {"illegal_conduct", "defamatory_risk"} <= kinds_of(text, school)


@pytest.mark.parametrize(
    "text",
    [
        "Bought a bag of weed off a lad at the school gates",
        "We shared a spliff behind the school after parents evening",
        "She claims child benefit for two kids when she's only got one",
        "They lied about their address to get a place at the school",
        "My neighbour sells fake designer trainers outside the school",
        "Jailbroken fire sticks for sale, can drop at the school gate",
    ],
)
def test_drugs_fraud_and_counterfeits_are_illegal_conduct(text, school):
    assert "illegal_conduct" in kinds_of(text, school)


@pytest.mark.parametrize(
    "text",
    [
        "Pinched my wife's jumper for the school run, brr",
        "Weeding the school garden with Year 3 this afternoon",
        "Year 4 held a mock trial about a stolen necklace",
        "Reception debated whether the big bad wolf broke into the pigs' house",
        "The lollipop lady outside the school has been doing it for 30 years, legend",
    ],
)
def test_borrowing_gardening_and_stories_are_no_crime(text, school):
    assert not {"illegal_conduct", "defamatory_risk"} & kinds_of(text, school)


# -- criticism: more of the ways a school is said to fall short ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Straits just can't be bothered to reply to anyone",
        "Nobody in charge could be bothered to sort the heating",
        "Mr Harrison clearly has favourites and it shows",
        "The head failed to respond to any of my emails",
        "Reported the broken fence to the office, still nothing done",
        "The school has done absolutely nothing about the bullying",
        "Whoever thought a 2pm finish on sports day was a good idea at Straits needs their head testing",
        "I'm disappointed by how the governors have handled the complaint",
        "The breakfast club is a glorified waiting room",
        "Mrs Jones shouldn't be allowed near children",
        "Mr Wood's an absolute knobhead and I don't care who knows",
    ],
)
def test_more_ways_of_criticising_the_school(text, school):
    assert "school_criticism" in kinds_of(text, school)


@pytest.mark.parametrize(
    "text",
    [
        "The council still hasn't fixed the pothole by the school, absolute joke",
        "The chip shop opposite Straits sells vapes to kids, I've seen it",
        "Whoever thought of the pirate theme for the school disco, genius idea, loved it",
    ],
)
def test_what_sits_next_to_the_school_is_not_the_school(text, school):
    assert "school_criticism" not in kinds_of(text, school)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("your mum's a slag", "mum's a slag"),
        ("what a stupid p***", "stupid p***"),
        ("she is a jumped up little hitler", "little hitler"),
        ("the whole family are inbred", "inbred"),
        ("they should send them back where they came from", "send them back where they came from"),
        ("I'll break his legs if he comes near my son", "I'll break his legs"),
    ],
)
def test_offensive_families(text, span, school):
    assert any(span in f for f in found(text, school, "offensive"))


def test_grades_with_a_star_are_not_masked_swearing(school):
    assert found("She got A*s in every test and a 5* review", school, "offensive") == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("WELL DONE STRAITS, BEST SPORTS DAY EVER", "STRAITS"),
        ("proud of straits today, what a nativity", "straits"),
    ],
)
def test_a_post_all_in_one_case_names_the_school_by_its_short_name(text, span, school):
    assert found(text, school, "school_name") == [span]


@pytest.mark.parametrize(
    "text", ["WE ARE IN DIRE STRAITS THIS MONTH", "sailing through the straits of dover"]
)
def test_the_word_stays_a_word_in_one_case_too(text, school):
    assert found(text, school, "school_name") == []


@pytest.mark.parametrize(
    "text",
    [
        "Heads up, I'm on my own locking up tonight",
        "The school is completely empty after 4 on Fridays",
        "If the buzzer is broken just tailgate someone through the front door",
        "Cameras in the hall haven't been recording since the storm",
        "Only me and Tom in on Sunday moving the library",
    ],
)
def test_more_security_families(text, school):
    assert "security_sensitive" in kinds_of(text, school)


def test_a_phone_number_is_no_door_code(school):
    text = "The school office number is 01632 960000, ring before 9"
    assert "security_sensitive" not in kinds_of(text, school)


@pytest.mark.parametrize(
    "text",
    [
        "Two TA posts will be cut in the summer, not public yet",
        "Found out my contract won't be renewed, gutted",
        "Governors voted to suspend the deputy pending an investigation",
        "Safeguarding meeting about the Hill family this afternoon",
    ],
)
def test_staffing_matters_and_casework_are_confidential(text, school):
    assert "confidential" in kinds_of(text, school)


def test_a_surprise_kept_secret_is_no_confidence(school):
    text = "Secret Santa names are strictly confidential until the party, no peeking!"
    assert "confidential" not in kinds_of(text, school)
