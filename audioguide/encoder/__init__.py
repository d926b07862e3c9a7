"""The encoder: PCM blocks -> a CBR MP3 with a Xing/Info header (44.1 kHz, gapless).

lame.py runs one ffmpeg (libmp3lame) over a stream of blocks; stretches.py encodes a session in stretches on
every core and joins them (frames.py: the MP3 frames, their bit reservoir and the Info header); peaks.py reads
an encoded file's true peak as a player decodes it.
"""

from .lame import BITRATE_KBPS, LOUDNESS_LOSS_LU, EncodeSettings, encode
from .peaks import PEAK_PASSES, TRUE_PEAK_MAX_DBTP, true_peak_db
from .stretches import encode as encode_stretches

__all__ = ["BITRATE_KBPS", "LOUDNESS_LOSS_LU", "PEAK_PASSES", "TRUE_PEAK_MAX_DBTP", "EncodeSettings", "encode",
           "encode_stretches", "true_peak_db"]
