import xml.etree.ElementTree as ET

from conftest import FakeDurations

from audioguide import compiler
from audioguide.model import HOLD, SOUND_KINDS, SPEECH
from audioguide.publish import picture

NS = "{http://www.w3.org/2000/svg}"


def test_the_picture_has_a_band_per_chapter_and_a_mark_per_event(library):
    timeline = compiler.compile_timeline(library.routine("thoracic-mobility"), 600, FakeDurations())
    root = ET.fromstring(picture.render(timeline))
    rects = root.iter(f"{NS}rect")
    classes = [r.get("class") for r in rects]
    assert classes.count("chapter") == len(timeline.chapters)
    assert classes.count("speech") == sum(e.kind == SPEECH for e in timeline.events)
    assert classes.count("hold") == sum(e.kind == HOLD for e in timeline.events)
    beeps = [line for line in root.iter(f"{NS}line") if (line.get("class") or "").startswith("beep")]
    assert len(beeps) == sum(e.kind in SOUND_KINDS for e in timeline.events)
    bands = [r for r in root.iter(f"{NS}rect") if r.get("class") == "chapter"]
    xs = [float(b.get("x")) for b in bands]
    assert xs == sorted(xs) and abs(float(bands[-1].get("x")) + float(bands[-1].get("width")) - (picture.WIDTH - 10)) < 0.01


def test_titles_are_escaped(library):
    from dataclasses import replace
    routine = replace(library.routine("thoracic-mobility"), title="Back & <neck>")
    text = picture.render(compiler.compile_timeline(routine, 600, FakeDurations()))
    assert "Back &amp; &lt;neck&gt;" in text
    ET.fromstring(text)
