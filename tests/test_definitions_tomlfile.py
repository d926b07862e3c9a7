"""definitions.tomlfile: new files in the documented key order, and files edited in place keep what a person wrote.
These lean on tomlkit internals (Container.body, _insert_at); pyproject pins the versions they pass on."""

from __future__ import annotations

import tomllib

from audioguide.definitions import tomlfile

HAND = """\
# my stretches
[exercises.reach]
title = "Reach"  # what I call it
# the setup I like
setup = ["Stand tall."]

[[exercises.reach.phases]]
name = "reach"
hold_s = 20
"""


def test_a_new_file_lists_keys_in_the_documented_order_and_reads_back_the_same():
    tables = {"exercises": {"reach": {"setup": ["Stand tall."], "title": "Reach",
                                      "phases": [{"hold_s": 20, "name": "reach"}]}},
              "routines": {"mine": {"items": [{"exercise": "reach"}], "title": "Mine"}}}
    text = tomlfile.dumps(tables)
    assert tomllib.loads(text) == tables
    assert text.index("title") < text.index("setup") < text.index("[[exercises.reach.phases]]")
    assert text.index('name = "reach"') < text.index("hold_s")
    assert text.startswith("# " + tomlfile.HEADER[0])


def test_a_key_added_between_two_lands_after_the_one_before_it_and_comments_stay():
    new = {"title": "Reach", "summary": "Arms up.", "setup": ["Stand tall."],
           "phases": [{"name": "reach", "hold_s": 20}]}
    text = tomlfile.update(HAND, {"exercises": {"reach": new}})
    assert tomllib.loads(text)["exercises"]["reach"] == new
    assert text.index("title") < text.index("summary") < text.index("setup")
    for kept in ("# my stretches", "# what I call it", "# the setup I like"):
        assert kept in text


def test_a_key_added_after_the_last_plain_key_goes_before_the_phases():
    new = {"title": "Reach", "setup": ["Stand tall."], "tips": ["Breathe."],
           "phases": [{"name": "reach", "hold_s": 20}]}
    text = tomlfile.update(HAND, {"exercises": {"reach": new}})
    assert tomllib.loads(text)["exercises"]["reach"] == new
    assert text.index("setup") < text.index("tips") < text.index("[[exercises.reach.phases]]")


def test_a_key_that_comes_first_is_put_first_and_one_at_the_end_of_a_table_is_added_last():
    first = {"title": "Reach", "setup": ["Stand tall."], "phases": [{"name": "reach", "hold_s": 20}]}
    text = tomlfile.update("[exercises.reach]\nsetup = [\"Stand tall.\"]\n\n[[exercises.reach.phases]]\n"
                           "name = \"reach\"\nhold_s = 20\n", {"exercises": {"reach": first}})
    assert tomllib.loads(text)["exercises"]["reach"] == first
    assert text.index("title") < text.index("setup")
    last = {"name": "reach", "hold_s": 20, "beep": "end"}
    text = tomlfile.update(HAND, {"exercises": {"reach": {"title": "Reach", "setup": ["Stand tall."],
                                                          "phases": [last]}}})
    assert tomllib.loads(text)["exercises"]["reach"]["phases"] == [last]


def test_removed_ids_and_keys_go_and_the_rest_keeps_its_text():
    text = tomlfile.update(HAND + '\n[exercises.other]\ntitle = "Other"\n', {}, {"exercises": ["other"]})
    assert "other" not in tomllib.loads(text)["exercises"]
    assert text.startswith(HAND.rstrip("\n"))
    text = tomlfile.update(HAND, {"exercises": {"reach": {"title": "Reach",
                                                          "phases": [{"name": "reach", "hold_s": 20}]}}})
    assert "setup" not in tomllib.loads(text)["exercises"]["reach"] and "# what I call it" in text
