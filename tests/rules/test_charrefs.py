from judge.rules.charrefs import dereferenced, may_hold_references
from judge.rules.normalize import normalize


def test_character_references_read_as_a_browser_shows_them_and_point_at_the_reference():
    text, at, referenced = dereferenced("Sh&#105;t &amp; &#x46;ries")
    assert text == "Shit & Fries"
    assert at[2] == 2 and at[3] == 8  # "i" is the reference at 2; "t" follows it
    assert referenced == {2, 5, 7}


def test_a_name_html_does_not_know_and_a_bare_ampersand_stay_as_written():
    assert not may_hold_references("AT&T snack packs") and not may_hold_references("Fish &chips")
    assert dereferenced("Bread &crumbs; &amp; jam")[0] == "Bread &crumbs; & jam"


def test_an_ascii_letter_written_as_a_reference_is_a_disguise_and_an_accent_is_not():
    nt = normalize("F&#85;CK fries")
    assert nt.text == "fuck fries" and nt.tokens[0].obfuscated and not nt.tokens[1].obfuscated
    assert nt.original[slice(*nt.span(0, 4))] == "F&#85;CK"
    cafe = normalize("Caf&#233; au lait")
    assert cafe.text == "cafe au lait" and not cafe.tokens[0].obfuscated
