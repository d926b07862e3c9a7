"""Sessions in the listener's language: every phrase table complete, the built-ins in each language planned with
none of audioguide's own English words in them, built with the language's voice rules, and tagged and fed in it."""

import datetime as dt
import json
import re
import string
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import fake_durations
from mutagen.id3 import ID3

from audioguide import compiler, language, schedule
from audioguide.cli import cli
from audioguide.definitions import loader
from audioguide.model import SPEECH
from audioguide.speech.text import normalise

OTHERS = [tag for tag in language.known() if tag != "en"]
FIVE = ["de", "es", "fr", "it", "pt"]


def _keys(table, prefix=""):
    for key, value in table.items():
        if isinstance(value, dict) and not set(value) <= {"zero", "one", "two", "few", "many", "other"}:
            yield from _keys(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _fields(value) -> set[str]:
    texts = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else [value]
    return {f for t in texts if isinstance(t, str) for _, f, _, _ in string.Formatter().parse(t) if f}


def test_the_five_languages_have_tables():
    assert set(FIVE) <= set(OTHERS)


@pytest.mark.parametrize("tag", OTHERS)
def test_a_table_has_every_phrase_the_english_one_has_with_the_same_fields(tag):
    english, other = dict(_keys(language.table("en"))), dict(_keys(language.table(tag)))
    missing = sorted(set(english) - set(other))
    assert not missing, f"{tag}.toml lacks {missing}"
    for key, value in english.items():
        assert _fields(other[key]) == _fields(value), (tag, key)
        if isinstance(value, dict) and "other" in value:
            assert "other" in other[key], (tag, key)


def _english_words() -> set[str]:
    """The words of audioguide's own English phrases (what it says itself, not what definitions say)."""
    said = [v for k, v in _keys(language.table("en")) if not k.startswith(("name", "num2words", "iso639"))]
    flat = [t for v in said for t in (v if isinstance(v, list) else v.values() if isinstance(v, dict) else [v])]
    text = " ".join(re.sub(r"\{[^}]*\}", " ", t) for t in flat if isinstance(t, str))
    return {w for w in re.findall(r"[A-Za-z]+", text) if len(w) >= 3}


def _own_words(tag: str) -> set[str]:
    """Words the language's own table and definitions use (shared spellings such as French 'minutes' are its)."""
    text = " ".join(str(v) for _, v in _keys(language.table(tag)))
    for path in loader.builtin_files():
        if f".{tag}." in path.name:
            text += " " + path.read_text(encoding="utf-8")
    return set(re.findall(r"[^\W\d_]+", text))


@pytest.mark.parametrize("tag", FIVE)
def test_no_english_word_of_audioguides_own_is_said_in_another_languages_sessions(tag):
    library = loader.load_library(include_user=False).speaking(tag)
    foreign = _english_words() - _own_words(tag)
    plans = [compiler.plan(r, minutes * 60, fake_durations) for r in library.routines.values()
             for minutes in (2, 3, 6, 20, 60)]
    program = library.program("thoracic-four-weeks")
    plans += [compiler.plan(s.routine, s.length_s, fake_durations, s.seed)
              for s in schedule.sessions(program, dt.date(2026, 12, 1)) if s.day in (1, 8, 27)]
    assert plans and all(p.language.split("-")[0] == tag for p in plans)
    for timeline in plans:
        said = [e.text for e in timeline.events if e.kind == SPEECH] + [c.title for c in timeline.chapters]
        for text in said:
            english = set(re.findall(r"[A-Za-z]+", text)) & foreign
            assert not english, (tag, timeline.routine_id, text, english)


@pytest.mark.slow
@pytest.mark.parametrize("tag", FIVE)
def test_each_language_builds_the_six_minute_session_and_day_one_tagged_and_fed_in_it(tag, tmp_path):
    runner = CliRunner()
    tone = ["--engine", "tone", "-o", str(tmp_path), "-q", "--cache-dir", str(tmp_path / "c"), "--language", tag]
    built = runner.invoke(cli, ["build", "thoracic-mobility", "-m", "6", *tone])
    assert built.exit_code == 0, built.output
    session = tmp_path / f"thoracic-mobility-6m-{tag}.mp3"
    assert built.stdout == f"{session}\n"
    tags = ID3(str(session))
    code = language.table(tag)["iso639_2"]
    assert str(tags["TLAN"]) == code and tags.getall("USLT")[0].lang == code
    title = loader.load_library(include_user=False).speaking(tag).routine("thoracic-mobility").title
    assert str(tags["TIT2"]) == f"{title} (6m)"
    day = runner.invoke(cli, ["program", "build", "thoracic-four-weeks", "--start", "2026-12-01", "--days", "1", *tone])
    assert day.exit_code == 0, day.output
    plan = json.loads((tmp_path / f"thoracic-four-weeks-day01-{tag}.plan.json").read_text())
    first = next(e["text"] for e in plan["events"] if e["kind"] == "speech")
    assert first == language.phrase("day", tag, day=1, days=28)  # "Día 1 de 28."
    feed = runner.invoke(cli, ["feed", "--output-dir", str(tmp_path), "--base-url", "http://h/"])
    assert feed.exit_code == 0
    xml = (tmp_path / "feed.xml").read_text()
    spoken = language.table(tag)
    assert f"<language>{plan['language']}</language>" in xml
    assert spoken["chapters_heading"] in xml  # the episodes' descriptions are in it too
    assert f'language="{plan["language"]}"' in xml  # and the transcript's


def test_a_voice_of_another_language_is_one_clear_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "audioguide", "build", "desk-reset", "-m", "3", "--language", "de",
                             "--engine", "pyttsx3", "--voice", "gmw/en-us", "-o", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr == ("Error: --voice: gmw/en-us speaks English (en-us); the session is in German (de): "
                             "choose one of its voices (audioguide voices --language de)\n")
    unknown = CliRunner().invoke(cli, ["build", "desk-reset", "--language", "xx", "--engine", "tone"])
    assert unknown.exit_code == 2 and "expected one of the languages audioguide speaks" in unknown.output
    assert not list(tmp_path.iterdir())


def test_the_shorthand_is_said_in_the_voices_language():
    text = "Hold 1 s, then 8-12 reps, 2x, L/R, 1:30, 90°, 50% & more."
    assert normalise(text, "es") == ("Hold 1 segundo, then 8 a 12 reps, dos veces, izquierda y derecha, 1 minuto "
                                     "30 segundos, 90 grados, 50 por ciento y more.")
    assert normalise(text, "de").startswith("Hold 1 Sekunde, then 8 bis 12 reps, zweimal, links und rechts, "
                                            "1 Minute 30 Sekunden, 90 Grad, 50 Prozent und")
    assert normalise("Hold 0 s.", "fr") == "Hold 0 seconde."  # French: zero is singular (Babel's rule)
    assert normalise(text) == ("Hold 1 second, then 8 to 12 reps, twice, left and right, 1 minute 30 seconds, "
                               "90 degrees, 50 percent and more.")


def test_numbers_and_plurals_come_from_the_languages_rules():
    assert compiler.phrases.holding(3, 5, "es") == "Hoy: tres de los cinco ejercicios."
    assert compiler.phrases.holding(1, 5, "de") == "Heute: eine der fünf Übungen."
    assert compiler.phrases.countdown(3, "fr") == "Trois."
    assert language.phrase("cover_weeks", "it", count=1, weeks=1) == "1 settimana"
    assert language.phrase("cover_weeks", "it", count=4, weeks=4) == "4 settimane"
