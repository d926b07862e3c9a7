import numpy as np
from mutagen.id3 import ID3

from audioguide import encoder, tags
from audioguide.model import SAMPLE_RATE, Chapter, Timeline

from conftest import ffprobe


def test_tags_and_chapters_read_back_with_mutagen_and_ffprobe(tmp_path):
    n = 6 * SAMPLE_RATE
    path = tmp_path / "a.mp3"
    encoder.encode([np.zeros(n, dtype=np.float32)], path, n)
    chapters = (Chapter("Intro", 0, SAMPLE_RATE), Chapter("A rather long exercise title", SAMPLE_RATE, 4 * SAMPLE_RATE),
                Chapter("Ü", 4 * SAMPLE_RATE, n))
    timeline = Timeline("Routine", "routine", n, (), chapters)
    tags.write(path, timeline, tags.TrackInfo(title="Routine (6s)", album="Routine"))

    id3 = ID3(path)
    assert id3.version == (2, 3, 0)
    assert str(id3["TIT2"]) == "Routine (6s)" and str(id3["TPE1"]) == "audioguide"
    assert str(id3["TALB"]) == "Routine" and str(id3["TCON"]) == "Fitness" and str(id3["TLEN"]) == "6000"
    assert tags.chapters(path) == [("Intro", 0, 1000), ("A rather long exercise title", 1000, 4000), ("Ü", 4000, 6000)]

    probed = ffprobe(path, "-show_chapters")["chapters"]
    assert [(c["tags"]["title"], float(c["start_time"]), float(c["end_time"])) for c in probed] == [
        ("Intro", 0.0, 1.0), ("A rather long exercise title", 1.0, 4.0), ("Ü", 4.0, 6.0)]
