"""The clip cache and the speaker around it, with the tone engine (no TTS needed)."""

import numpy as np
import pytest

from audioguide import speech


@pytest.fixture
def speaker(tmp_path):
    return speech.Speaker(speech.EngineSpec("tone"), speech.ClipCache(tmp_path / "cache"))


def test_a_second_run_renders_nothing(speaker, tmp_path):
    speaker.clips(["One.", "Two."])
    assert speaker.rendered == 2
    again = speech.Speaker(speech.EngineSpec("tone"), speech.ClipCache(tmp_path / "cache"))
    again.clips(["One.", "Two."])
    assert again.rendered == 0


def test_a_truncated_clip_is_rendered_again(speaker):
    speaker.clips(["Truncate me."])
    path = speaker.cache.path(speaker.engine.identity(), "Truncate me.")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    again = speaker.clips(["Truncate me."])
    assert speaker.rendered == 2 and len(again["Truncate me."]) * 2 + 44 + 12 == len(path.read_bytes())


def test_cache_key_depends_on_voice_rate_and_text(tmp_path):
    cache = speech.ClipCache(tmp_path)
    plain = speech.make_engine(speech.EngineSpec("tone")).identity()
    faster = speech.make_engine(speech.EngineSpec("tone", rate=200)).identity()
    higher = speech.make_engine(speech.EngineSpec("tone", voice="high")).identity()
    assert cache.path(plain, "Hi.") != cache.path(faster, "Hi.")      # rate
    assert cache.path(plain, "Hi.") != cache.path(higher, "Hi.")      # voice
    assert cache.path(plain, "Hi.") != cache.path(plain, "Hello.")    # text, on one engine
    assert cache.path(plain, "Hi.") == cache.path(plain, "  Hi. ")    # the same words are the same clip


def test_cache_info_and_clear(speaker):
    speaker.clips(["One clip."])
    count, size = speaker.cache.info()
    assert count == 1 and size > 1000
    assert speaker.cache.clear() == 1 and speaker.cache.info() == (0, 0)


def test_a_cache_folder_that_cannot_be_used_gives_a_notice_and_a_build_without_it(tmp_path):
    (tmp_path / "a-file").write_text("x")
    speaker = speech.Speaker(speech.EngineSpec("tone"), speech.ClipCache(tmp_path / "a-file" / "cache"))
    assert len(speaker.clips(["Still said."])["Still said."]) > 1000
    assert speaker.notices == [f"the speech cache is not used (cannot create the speech cache folder "
                               f"{tmp_path / 'a-file' / 'cache'}: Not a directory): speech is rendered afresh and "
                               "not kept"]
    assert (tmp_path / "a-file").read_text() == "x"


def test_noise_in_a_cached_clip_is_caught_by_its_checksum(speaker):
    clip = speaker.clips(["Check me."])["Check me."]
    path = speaker.cache.path(speaker.engine.identity(), "Check me.")
    data = bytearray(path.read_bytes())
    data[1000:1010] = bytes(10)  # same length, other samples
    path.write_bytes(bytes(data))
    again = speech.Speaker(speech.EngineSpec("tone"), speaker.cache)
    assert np.array_equal(again.clips(["Check me."])["Check me."], clip) and again.rendered == 1


@pytest.mark.parametrize("damage", ["folder", "shard-file", "full"])
def test_a_damaged_cache_never_stops_a_build(tmp_path, damage, monkeypatch):
    cache = speech.ClipCache(tmp_path / "cache")
    tone = speech.Speaker(speech.EngineSpec("tone"), cache)
    path = cache.path(tone.engine.identity(), "Damaged.")
    if damage == "folder":
        path.mkdir(parents=True)                      # where the clip should be, a folder
    elif damage == "shard-file":
        path.parent.parent.mkdir(parents=True)
        path.parent.write_text("not a folder")        # where its shard folder should be, a file
    else:                                             # a full disk, or a read-only one, when the clip is written
        from audioguide import files
        def full(*args):
            raise OSError(28, "No space left on device")
        monkeypatch.setattr(files.os, "replace", full)
    clip = tone.clips(["Damaged."])["Damaged."]
    assert len(clip) > 1000 and tone.notices and tone.notices[0].startswith("the speech cache is not used (")
    assert tone.durations(["Damaged."]) == {"Damaged.": len(clip)}  # kept for the rest of this run


@pytest.mark.parametrize("odd", ["link-to-dev-zero", "fifo", "huge", "link-to-a-folder"])
def test_a_clip_that_is_not_a_clip_file_is_rendered_again_at_once(tmp_path, odd):
    import os
    import threading
    cache = speech.ClipCache(tmp_path / "cache")
    tone = speech.Speaker(speech.EngineSpec("tone"), cache)
    path = cache.path(tone.engine.identity(), "Odd.")
    path.parent.mkdir(parents=True)
    if odd == "link-to-dev-zero":
        path.symlink_to("/dev/zero")        # read whole, it never ends
    elif odd == "fifo":
        os.mkfifo(path)                     # read, it waits for a writer forever
    elif odd == "huge":
        with open(path, "wb") as f:         # 2 GB (sparse): read whole, it swallows memory
            f.truncate(2 << 30)
    else:
        path.symlink_to(tmp_path)
    found: dict = {}
    worker = threading.Thread(target=lambda: found.update(tone.clips(["Odd."])), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), f"reading a {odd} hung"
    assert len(found["Odd."]) > 1000 and tone.rendered == 1
    assert cache.load(path) is not None and not path.is_symlink()   # a real clip in its place now
