"""The lexicon import reads each rated source's scale as the lexicon's sureness."""

from __future__ import annotations

import io
import zipfile

from scripts.import_lexicons import OFCOM_MEMBER, ofcom_ratings


def _wheel(rows: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        wheel.writestr(OFCOM_MEMBER, "\n".join(rows) + "\n")
    return buffer.getvalue()


def test_ofcoms_strong_words_are_sure_its_medium_ones_maybe_and_its_mild_ones_left_out():
    ratings = ofcom_ratings(_wheel([
        "general\tCunt\t4", "discriminatory\tTaig\t3", "general\tBollocks\t2", "general\tBloody\t1",
        "sexgender\tGay\t0", "sexgender\tShirt lifter\t4", "a row that is no rating", "general\tCrap\tmild",
    ]))
    assert ratings == {"cunt": 2, "taig": 2, "bollocks": 1, "shirt lifter": 2}

