import html
import json
import re

from conftest import FakeDurations

from audioguide import compiler
from audioguide.model import SPEECH
from audioguide.publish import sidecars

STAMP = r"(\d\d):(\d\d):(\d\d)[.,](\d\d\d)"


def _seconds(match):
    h, m, s, ms = map(int, match)
    return h * 3600 + m * 60 + s + ms / 1000


def _parse(text, sep):
    """A minimal WebVTT / SRT reader: (start, end, text) per cue."""
    out = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        if lines[0] == "WEBVTT":
            continue
        times = re.fullmatch(f"{STAMP} --> {STAMP}", lines[1])
        assert times, lines
        said = " ".join(lines[2:])
        out.append((_seconds(times.groups()[:4]), _seconds(times.groups()[4:]), html.unescape(said) if sep == "." else said))
        assert all(len(line) <= sidecars.VTT_LINE for line in lines[2:])
        assert sep in lines[1]
    return out


def _timeline(library):
    return compiler.compile_timeline(library.routine("thoracic-mobility"), 600, FakeDurations())


def test_vtt_and_srt_carry_every_cue_at_its_time(library):
    timeline = _timeline(library)
    spoken = sorted((e for e in timeline.events if e.kind == SPEECH), key=lambda e: e.start)
    expected = [(round(e.start_s, 3), round(e.end_s, 3), e.text) for e in spoken]
    vtt = sidecars.vtt(timeline)
    assert vtt.startswith("WEBVTT\n\n")
    for parsed in (_parse(vtt, "."), _parse(sidecars.srt(timeline), ",")):
        assert [(round(a, 3), round(b, 3), t) for a, b, t in parsed] == expected


def test_json_chapters_follow_podcasting_2_0(library):
    timeline = _timeline(library)
    doc = json.loads(sidecars.chapters_json(timeline))
    assert doc["version"] == "1.2.0"
    assert [(c["title"], c["startTime"]) for c in doc["chapters"]] == [
        (c.title, round(c.start_s, 3)) for c in timeline.chapters]


def test_transcript_has_every_chapter_and_cue(library):
    timeline = _timeline(library)
    text = sidecars.transcript(timeline)
    assert text.startswith("INTRO\n") and "\n\nCAT COW\n" in text
    assert all(e.text in text for e in timeline.events if e.kind == SPEECH)


def test_texts_that_would_break_a_format_are_made_safe():
    """What a parser would misread is escaped or dropped: every file still parses, and says the same words."""
    import xml.etree.ElementTree as ET

    from audioguide.model import Chapter, Event, Timeline
    from audioguide.publish import picture
    odd = "Slowly --> then <b>up</b> & hold\x07\x1b"
    n = 10 * 44100
    timeline = Timeline("T \x07 <x>", "t", n, (Event(SPEECH, 0, 44100, 0, odd),), (Chapter("A \x1b B", 0, n),))
    vtt = _parse(sidecars.vtt(timeline), ".")
    assert vtt[0][2] == "Slowly --> then <b>up</b> & hold"
    assert sidecars.vtt(timeline).count("-->") == 1   # only the timing line's arrow
    srt = _parse(sidecars.srt(timeline), ",")
    assert srt[0][2] == "Slowly -> then <b>up</b> & hold" and sidecars.srt(timeline).count("-->") == 1
    root = ET.fromstring(picture.render(timeline))       # well-formed XML without the control characters
    assert "A  B" in "".join(root.itertext())
