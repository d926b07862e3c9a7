"""Speech: texts -> clips, from offline text-to-speech engines through a content-addressed clip cache.

engines.py holds the voices (pyttsx3 with espeak-ng, Piper, a tone stand-in), text.py what they are given,
cache.py the clips on disk, speaker.py the rendering (in worker processes where it pays).
"""

from .cache import ClipCache
from .engines import (
                      ENGINES,
                      EngineSpec,
                      EngineVoices,
                      Voice,
                      catalogue,
                      make_engine,
                      piper_available,
                      require_espeak,
                      resolve,
)
from .speaker import Speaker, say
from .text import normalise

__all__ = ["ENGINES", "ClipCache", "EngineSpec", "EngineVoices", "Speaker", "Voice", "catalogue", "make_engine",
           "normalise", "piper_available", "require_espeak", "resolve", "say"]
