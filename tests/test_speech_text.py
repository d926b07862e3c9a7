import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audioguide.definitions.bounds import NUMBER_PLACEHOLDERS, speaks
from audioguide.speech import normalise


@pytest.mark.parametrize("text, spoken", [
    ("Do 8-12 reps.", "Do 8 to 12 reps."),
    ("Hold 5 s, then rest 10 sec...", "Hold 5 seconds, then rest 10 seconds"),
    ("Rest 1 min.", "Rest 1 minute."),
    ("Switch L/R sides.", "Switch left and right sides."),
    ("Stretch <emphasis>gently</emphasis>… and relax", "Stretch gently, and relax"),
    ("Use a mat & a towel, e.g. a bath towel.", "Use a mat and a towel, for example a bath towel."),
    ("2 x 10 at 50 %", "2 times 10 at 50 percent"),
    ("Do 3 reps, 2x per side.", "Do 3 reps, twice per side."),   # espeak-ng says "two ex"
    ("Repeat 1x, then 12x.", "Repeat once, then 12 times."),
    ("10 reps x 3 sets, box breathing x4.", "10 reps times 3 sets, box breathing times 4."),
    ("Relax, flex, max effort.", "Relax, flex, max effort."),  # an x in a word stays
    ("Hold 1:30, then 0:45, then 2:00.", "Hold 1 minute 30 seconds, then 45 seconds, then 2 minutes."),
    ("Great job 💪 keep going!", "Great job keep going!"),          # not "flexed biceps"
    ("Well done 👏🏽, rest now ❤️.", "Well done, rest now."),        # skin tones, variation selectors
    ("→ Next: arms at 90°.", "Next: arms at 90 degrees."),          # not "right arrow"
    ("Stretch\u00ading, zero\u200bwidth.", "Stretching, zerowidth."),  # invisible joins stay joined
])
def test_text_is_normalised_for_speech(text, spoken):
    assert normalise(text) == spoken


@pytest.mark.parametrize("text", ["...", "**", "<b></b>", "\u200b\u200b", " - ", "{next}"])
def test_texts_that_say_nothing_are_known_as_such(text):
    assert not speaks(text) and not normalise(text.replace("{next}", ""))


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40))
def test_what_definitions_accept_as_speaking_is_never_normalised_away(text):
    if speaks(text):  # then it still says something once its placeholders are filled in the least wordy way
        filled = re.sub(r"\{(\w*)\}", lambda m: "1" if m.group(1) in NUMBER_PLACEHOLDERS else "", text)
        assert normalise(filled)
