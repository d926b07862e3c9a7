"""Speech: texts -> clips, from offline text-to-speech engines through a content-addressed clip cache.

engines.py holds the voices (Kokoro, Piper, pyttsx3 with espeak-ng, a tone stand-in) behind voice.py's protocol,
espeak.py the system's espeak-ng, text.py what engines are given,
cache.py the clips on disk, speaker.py the rendering (in worker processes where it pays).
"""

from .cache import ClipCache
from .engines import (
                      ENGINES,
                      EngineSpec,
                      EngineVoices,
                      catalogue,
                      make_engine,
                      piper_available,
                      resolve,
)
from .espeak import require as require_espeak
from .speaker import Speaker, say
from .text import normalise
from .voice import Voice

__all__ = ["ENGINES", "ClipCache", "EngineSpec", "EngineVoices", "Speaker", "Voice", "catalogue", "make_engine",
           "normalise", "piper_available", "require_espeak", "resolve", "say"]
