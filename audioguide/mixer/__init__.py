"""The mixer: Timeline + speech clips + sounds (+ music) -> finished PCM blocks at podcast loudness.

mixing.py places the sources and sets the gain, loudness.py measures (BS.1770) and limits, music.py loops and ducks
a music bed, sounds.py makes the beeps.
"""

from .music import MAX_BED_S
from .mixing import MUSIC_LEVEL_DB, TARGET_LUFS, Mix, MixSettings, clip_scale, level_clip, mix, prepare

__all__ = ["MAX_BED_S", "MUSIC_LEVEL_DB", "TARGET_LUFS", "Mix", "MixSettings", "clip_scale", "level_clip", "mix", "prepare"]
