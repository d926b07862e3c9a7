import os
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from conftest import ffprobe
from mutagen.id3 import ID3

from audioguide import encoder
from audioguide.model import SAMPLE_RATE, Chapter, Timeline
from audioguide.publish import tags

ROOT = Path(__file__).parent.parent


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


# -- tags.py overrides mutagen's private ID3._write: the order of chapters is checked on every release the
#    pyproject pin admits, each installed beside the suite (pip --target, kept in pytest's cache folder) ------

SUPPORTED_MUTAGEN = ("1.47.0", "1.48.1")

WRITE_AND_LIST_FRAMES = r"""
import struct, sys
from pathlib import Path
import mutagen, numpy as np
from audioguide import encoder
from audioguide.model import SAMPLE_RATE, Chapter, Timeline
from audioguide.publish import tags
path = Path(sys.argv[1])
n = 4 * SAMPLE_RATE
encoder.encode([np.zeros(n, dtype=np.float32)], path, n)
titles = ["A first chapter with by far the longest title of them all", "Second, shorter", "Third"]
chapters = tuple(Chapter(t, i * SAMPLE_RATE, (i + 1) * SAMPLE_RATE) for i, t in enumerate(titles))
tags.write(path, Timeline("R", "r", n, (), chapters + (Chapter("End", 3 * SAMPLE_RATE, n),)), tags.TrackInfo("R"))
data = path.read_bytes()
size = sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(data[6:10]))
at, frames = 10, []
while at < 10 + size and data[at:at + 4].strip(b"\0"):
    frame_id, length = data[at:at + 4].decode(), struct.unpack(">I", data[at + 4:at + 8])[0]
    body = data[at + 10:at + 10 + length]
    frames.append(frame_id + (":" + body.split(b"\0")[0].decode() if frame_id in ("CHAP", "CTOC") else ""))
    at += 10 + length
print(mutagen.version_string, " ".join(frames))
"""


@pytest.fixture(scope="module")
def mutagen_releases(request):
    return request.config.cache.mkdir("mutagen-releases")


@pytest.mark.slow
@pytest.mark.parametrize("version", SUPPORTED_MUTAGEN)
def test_chapters_are_written_last_in_playing_order_on_every_supported_mutagen(version, mutagen_releases, tmp_path):
    target = mutagen_releases / version
    if not (target / "mutagen").is_dir():
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                        f"mutagen=={version}"], check=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(ROOT)])}
    out = subprocess.run([sys.executable, "-c", WRITE_AND_LIST_FRAMES, str(tmp_path / "a.mp3")], env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == version
    frames = out[1:]
    assert frames[-5:] == ["CTOC:toc", "CHAP:chp0", "CHAP:chp1", "CHAP:chp2", "CHAP:chp3"], frames


def test_the_supported_mutagen_releases_are_the_pinned_ones():
    from importlib.metadata import version

    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pin = next(Requirement(r) for r in project["project"]["dependencies"] if r.startswith("mutagen"))
    assert all(v in pin.specifier for v in SUPPORTED_MUTAGEN)
    assert version("mutagen") in pin.specifier
    # every minor release the pin admits has a supported release tested above
    minors = {".".join(v.split(".")[:2]) for v in SUPPORTED_MUTAGEN}
    admitted = {m for m in ("1.45", "1.46", "1.47", "1.48", "1.49", "1.50") if SpecifierSet(str(pin.specifier)).contains(m + ".0")}
    assert admitted == minors, (admitted, minors)
