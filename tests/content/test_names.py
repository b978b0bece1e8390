"""Names on the roster, in the forms people write them, and ordinary words that are not names."""

from __future__ import annotations

import pytest

from smpolicy.content import check_text


def names(text, school):
    return [
        (f.kind, text[f.start : f.end])
        for f in check_text(text, school)
        if f.kind.endswith("_name") and f.kind != "school_name"
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("So proud of Oliver Smith today", [("pupil_name", "Oliver Smith")]),
        ("so proud of oliver smith today", [("pupil_name", "oliver smith")]),
        ("OLIVER SMITH WON!", [("pupil_name", "OLIVER SMITH")]),
        ("Oliver Smith's painting", [("pupil_name", "Oliver Smith")]),
        ("Oliver Smith’s painting", [("pupil_name", "Oliver Smith")]),
        ("Lovely reading from Oliver S. today", [("pupil_name", "Oliver S.")]),
        ("Olivr Smith was brilliant", [("pupil_name", "Olivr Smith")]),
        ("Oliver Smyth was brilliant", [("pupil_name", "Oliver Smyth")]),
        ("Mohamed Ali scored twice", [("pupil_name", "Mohamed Ali")]),
        ("Mo Ali built a volcano", [("pupil_name", "Mo Ali")]),
        ("Zoe Adeyemi read her poem", [("pupil_name", "Zoe Adeyemi")]),
        ("Liam O'Neill got his pen licence", [("pupil_name", "Liam O'Neill")]),
        ("Daan Van der Berg brought clogs", [("pupil_name", "Daan Van der Berg")]),
        ("amira was star of the week", [("pupil_name", "amira")]),
        ("Met Mrs Khan at training", [("staff_name", "Mrs Khan")]),
        ("Lovely to see Mr Smith at sports day", [("parent_name", "Mr Smith")]),
        # first name and the surname's initial, in either case
        ("Well done to amira k for her reading", [("pupil_name", "amira k")]),
        ("Kacper L. explained the water cycle", [("pupil_name", "Kacper L.")]),
        # preferred names from the roster, alone and with the surname
        (
            "Seb Fox and Katie Doyle read to the nursery",
            [("pupil_name", "Seb Fox"), ("pupil_name", "Katie Doyle")],
        ),
        ("Huge well done to Toby today", [("pupil_name", "Toby")]),
        # possessives, with or without the apostrophe
        ("Amira's reading has come on so much", [("pupil_name", "Amira")]),
        ("Amiras poem was lovely", [("pupil_name", "Amiras")]),
        # misspelt, either part
        ("Jayden Okafer won the art prize", [("pupil_name", "Jayden Okafer")]),
        ("Mrs Fletchr is brilliant", [("staff_name", "Mrs Fletchr")]),
        # a title before a surname in lower case is still a title
        ("mr wood is retiring", [("staff_name", "mr wood")]),
        # hyphenated names written with a space, or run together
        ("Mary Jane Cooper sang the solo", [("pupil_name", "Mary Jane Cooper")]),
        ("Maryjane was fab", [("pupil_name", "Maryjane")]),
    ],
)
def test_roster_names_in_every_form(text, found, school):
    assert names(text, school) == found


@pytest.mark.parametrize(
    "text",
    [
        "We will be closed on Monday",
        "Will you be coming to the quiz night?",
        "Amazing Grace was sung in assembly",
        "grace hill walk this weekend was muddy",
        "The Summer Fair raised 900 pounds",
        "Summer is finally here",
        "May the force be with you",
        "The rose garden is looking lovely",
        "Please pay the trip bill by Friday",
        "Harry Potter day: come as a wizard",
        "Jack and the Beanstalk was our story",
        "Mark your calendars for the carol service",
        "The cricket was brilliant, Imran at his best",
        "Ruby red slippers for the show",
        "Lily pads in the pond",
        "Say grace before lunch",
        # a possessive name before another capitalised word is a title, not a child
        "Noah's Ark was our story in RE",
        # names talked about as names, and star signs
        "Ava and Theo are my favourite baby names this year",
        "Lucy is a common name",
        "Leo season starts today according to my horoscope",
        # a name inside a personal e-mail address is the address, not a mention
        "Contact me (sarah.k@outlook.com) anytime",
    ],
)
def test_ordinary_words_that_are_also_names_are_not_names(text, school):
    assert names(text, school) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Thanks to Grace for helping tidy up", "Grace"),
        ("Grace in Year 3 won the spelling bee", "Grace"),
        ("Grace's mum came to help", "Grace"),
        ("Congratulations to Summer for her badge", "Summer"),
        ("Thanks Will! Great effort", "Will"),
        ("Then Harry scored from halfway", "Harry"),
    ],
)
def test_context_makes_an_ordinary_word_a_name(text, found, school):
    assert ("pupil_name", found) in names(text, school)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Ruby did brilliantly in the spelling test", "Ruby"),
        ("Lily won the art prize", "Lily"),
        ("Will helped tidy the hall", "Will"),
    ],
)
def test_what_a_child_does_makes_an_ordinary_word_a_name(text, found, school):
    assert ("pupil_name", found) in names(text, school)


def test_a_short_name_in_lower_case_is_a_name_in_a_list_of_names(school):
    assert names("theo wright and ava are reading buddies", school) == [
        ("pupil_name", "theo wright"),
        ("pupil_name", "ava"),
    ]


def test_names_in_a_list_with_other_names_are_names(school):
    text = "Grace, Oliver and Will won the relay"
    assert names(text, school) == [
        ("pupil_name", "Grace"),
        ("pupil_name", "Oliver"),
        ("pupil_name", "Will"),
    ]


def test_a_first_name_after_the_full_name_is_the_same_person(school):
    text = "Oliver Smith's painting won. Oliver was proud"
    found = check_text(text, school)
    assert [(f.kind, text[f.start : f.end], f.confidence) for f in found] == [
        ("pupil_name", "Oliver Smith", 0.98),
        ("pupil_name", "Oliver", 0.95),
    ]


def test_a_misspelt_name_alone_is_found_with_less_confidence(school):
    found = [
        f
        for f in check_text("Shout out to Amria for her kindness", school)
        if f.kind == "pupil_name"
    ]
    assert len(found) == 1 and found[0].confidence < 0.75


def test_offsets_count_code_points_in_the_original_text(school):
    text = "🎉🎉 Siân Evans and Zoë Adeyemi 👏"
    found = [f for f in check_text(text, school) if f.kind == "pupil_name"]
    assert [text[f.start : f.end] for f in found] == ["Siân Evans", "Zoë Adeyemi"]
    assert found[0].start == 3


def test_parents_are_not_found_by_first_name_alone(school):
    assert names("Karen brought the raffle prizes", school) == []
    assert names("Karen Hill brought the raffle prizes", school) == [("parent_name", "Karen Hill")]


# -- after the first blind set -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, found",
    [
        ("huge thanks to Ellie Mae's nan for the poppies", ("pupil_name", "Ellie Mae")),
        ("Karen H is collecting for the teacher gift", ("parent_name", "Karen H")),
        ("Grace was amazing as Mary in the nativity", ("pupil_name", "Grace")),
        ("rose got star of the week today", ("pupil_name", "rose")),
        ("so proud of grace hill in the play", ("pupil_name", "grace hill")),
        ("Kacper's EHCP review is Thursday", ("pupil_name", "Kacper")),
    ],
)
def test_more_name_forms(text, found, school):
    assert found in names(text, school)


@pytest.mark.parametrize(
    "text",
    [
        "music by the composer Florence Price",
        "Y6 PE topic: Muhammad Ali, float like a butterfly",
        "our production of Oliver! was a triumph",
        "Mo Farah was at the parkrun",
        "Summer was amazing as always",
    ],
)
def test_namesakes_and_titles_are_not_pupils(text, school):
    assert names(text, school) == []


def school_names(text, school):
    return [text[f.start : f.end] for f in check_text(text, school) if f.kind == "school_name"]


@pytest.mark.parametrize(
    "text, found",
    [
        ("Star of the week #StraitsPrimary", ["StraitsPrimary"]),
        ("@StraitsPrimary when are reports out?", ["StraitsPrimary"]),
        ("straits sports day was brilliant", ["straits"]),
        ("no wonder straits got requires improvement", ["straits"]),
        ("Dire Straits on the radio at pick up", []),
        ("we are in dire straits with the budget", []),
        ("the Straits of Malacca", []),
        ("email office@straits.sch.uk", []),
    ],
)
def test_the_school_name_as_a_hashtag_a_handle_and_in_lower_case(text, found, school):
    assert school_names(text, school) == found


def test_first_names_side_by_side_without_commas_are_a_list(school):
    found = names("best day ever with Freya Poppy Maya at the leavers disco", school)
    assert found == [
        ("pupil_name", "Freya"),
        ("pupil_name", "Poppy"),
        ("pupil_name", "Maya"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Lift share sorted, ring Lisa (Jack's mum) if you need a seat",
        "Thanks so much to Lisa, Jack's mum, for the cakes",
    ],
)
def test_a_parent_by_first_name_is_named_by_whose_parent_they_are(text, school):
    assert ("parent_name", "Lisa") in names(text, school)


def test_a_first_name_without_whose_parent_it_is_stays_no_parent(school):
    assert names("Lisa said the cakes were lovely", school) == []
