"""Every default a user meets, stated once: the command line shows these, the stages start from them.

This module imports nothing heavy, so the command line can show its defaults without loading numpy.
"""

from pathlib import Path

LENGTH_S = 10 * 60                 # a session's length
OUTPUT_DIR = Path("output")        # where sessions go
ENGINE = "auto"                    # the clearest voice installed: kokoro, else piper, else pyttsx3 (espeak-ng)
ENGINES = ("auto", "kokoro", "piper", "pyttsx3", "tone")   # as speech.engines registers them (a test holds it)
BITRATE_KBPS = 96                  # constant MP3 bitrate
BITRATES_KBPS = (64, 96, 128, 160, 192)
LOUDNESS_LUFS = -16.0              # podcast loudness (integrated, BS.1770)
MUSIC_LEVEL_DB = -18.0             # a music bed under the voice
MUSIC_DUCK_DB = 15.0               # how far the music dips under speech and beeps
BEEP_LEVEL_DB = -3.0               # beeps and chimes against the voice, K-weighted (docs/voices.md)
BASE_URL = "http://localhost:8000/"
ARTIST = "audioguide"              # a session's artist tag, unless one is asked for
FEED_TITLE = "audioguide sessions"  # a folder's podcast title, unless it is one program's sessions
