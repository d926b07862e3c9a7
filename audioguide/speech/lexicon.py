"""Words of the trade the voices say wrong, said right: exercise terms espeak-ng's English rules mispronounce.

espeak-ng turns text into phonemes for both engines (piper phonemizes with it too), and its rules read
'Pilates' as PILL-ates and 'piriformis' with the stress on the first syllable. Piper takes phonemes written
in [[ ]] as they are, so it gets the right IPA; espeak-ng through pyttsx3 takes text only, so it gets a
respelling that it reads right. Each entry was checked with `espeak-ng -v en-us -q --ipa` (docs/voices.md).
"""

from __future__ import annotations

import hashlib
import re

# word (lower case, as written) -> (IPA for piper, respelling for espeak-ng)
ENTRIES = {
    "pilates": ("pɪlˈɑːtiːz", "pill ah teez"),
    "piriformis": ("pˌɪɹɪfˈɔːɹmɪs", "pirri form iss"),
    "savasana": ("ʃəvˈɑːsənə", "shuh vah suh nuh"),
    "shavasana": ("ʃəvˈɑːsənə", "shuh vah suh nuh"),
    "chaturanga": ("tʃˌɑːtʊɹˈɑːŋɡə", "chah tu rahng guh"),
    "vinyasa": ("vɪnjˈɑːsə", "vin yah suh"),
}

VERSION = hashlib.sha256(repr(sorted(ENTRIES.items())).encode()).hexdigest()[:12]  # part of each voice's identity
_WORD = re.compile(r"\b(%s)\b" % "|".join(map(re.escape, ENTRIES)), re.IGNORECASE)


def for_piper(text: str) -> str:
    """The text with each listed word replaced by its phonemes in [[ ]], which piper reads as they are."""
    return _WORD.sub(lambda m: f"[[{ENTRIES[m.group(1).lower()][0]}]]", text)


def for_espeak(text: str) -> str:
    """The text with each listed word respelt the way espeak-ng's rules read right."""
    return _WORD.sub(lambda m: ENTRIES[m.group(1).lower()][1], text)


def for_kokoro(text: str) -> str:
    """Kokoro phonemizes with espeak-ng too and takes no phonemes inline: the respellings espeak-ng reads right."""
    return for_espeak(text)
