"""The clip cache and the speaker around it, with the tone engine (no TTS needed)."""

import pytest

from audioguide import speech
from audioguide.errors import FileError


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
    assert speaker.rendered == 2 and len(again["Truncate me."]) * 2 + 44 == len(path.read_bytes())


def test_cache_key_depends_on_voice_rate_and_text(tmp_path):
    cache = speech.ClipCache(tmp_path)
    plain = speech.make_engine(speech.EngineSpec("tone")).identity()
    faster = speech.make_engine(speech.EngineSpec("tone", rate=200)).identity()
    higher = speech.make_engine(speech.EngineSpec("tone", voice="high")).identity()
    assert cache.path(plain, "Hi.") != cache.path(faster, "Hi.")      # rate
    assert cache.path(plain, "Hi.") != cache.path(higher, "Hi.")      # voice
    assert cache.path(plain, "Hi.") != cache.path(plain, "Hello.")    # text, on one engine
    assert cache.path(plain, "Hi.") == cache.path(plain, "  Hi. ")    # the same words are the same clip


def test_remembered_lengths_are_per_engine(speaker, tmp_path):
    lengths = speaker.durations(["One clip."])
    assert speaker.remembered() == lengths
    other = speech.Speaker(speech.EngineSpec("tone", voice="high"), speech.ClipCache(tmp_path / "cache"))
    assert other.remembered() == {}


def test_cache_info_and_clear(speaker):
    speaker.clips(["One clip."])
    count, size = speaker.cache.info()
    assert count == 1 and size > 1000
    assert speaker.cache.clear() == 1 and speaker.cache.info() == (0, 0)


def test_a_cache_folder_that_cannot_be_made_is_one_error(tmp_path):
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(FileError, match="cannot create the speech cache folder .*a-file/cache"):
        speech.Speaker(speech.EngineSpec("tone"), speech.ClipCache(tmp_path / "a-file" / "cache"))
