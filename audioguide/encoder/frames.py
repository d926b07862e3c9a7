"""MPEG-1 Layer III frames as LAME writes them: read, joined across stretches encoded apart, and the
Xing/Info header of the whole (ISO/IEC 11172-3 2.4.1; the LAME tag as ffmpeg's mp3 muxer writes it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

SAMPLES_PER_FRAME = 1152
KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
RATES_HZ = (44100, 48000, 32000)
MAX_RESERVOIR_BYTES = 511          # main_data_begin is 9 bits
XING_AT = {1: 4 + 17, 2: 4 + 32}   # the tag's offset in its frame: after the header and the side info
XING_SIZE = 156
TOC_SIZE = 100
BAGS = 400


class FrameError(ValueError):
    """Bytes that are not the MPEG-1 Layer III frames this module joins."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame: where it is in its stream's bytes, and where its main data is in the stream of payloads."""

    at: int              # offset of its header in the stream's bytes
    size: int            # header, side info and payload
    side: int            # side info bytes (17 mono, 32 stereo)
    begin: int           # main_data_begin: how far back before its payload its main data starts
    data_bytes: int      # its main data, whole bytes
    blocks: tuple[int, ...]   # each granule's and channel's window: 0 long, 1 start, 2 short, 3 stop

    @property
    def payload(self) -> int:
        return self.size - 4 - self.side


def frame_size(header: bytes) -> tuple[int, int]:
    """(frame bytes, side info bytes) of an MPEG-1 Layer III header without CRC."""
    h = int.from_bytes(header[:4], "big")
    if h >> 21 != 0x7FF or (h >> 19) & 3 != 3 or (h >> 17) & 3 != 1 or not (h >> 16) & 1:
        raise FrameError(f"not an MPEG-1 Layer III frame without CRC: {header[:4].hex()}")
    kbps, rate = KBPS[(h >> 12) & 15], (h >> 10) & 3
    if not kbps or rate == 3:
        raise FrameError(f"free or bad bitrate or sample rate: {header[:4].hex()}")
    mono = (h >> 6) & 3 == 3
    return 144000 * kbps // RATES_HZ[rate] + ((h >> 9) & 1), 17 if mono else 32


def offsets(data: bytes | memoryview, start: int = 0) -> list[int]:
    """Where each frame of a stream of bytes from start begins, and where the last ends (its headers alone read:
    a file's frames found without the objects frames() makes)."""
    at, n, found = start, len(data), []
    while at + 4 <= n:
        size, _ = frame_size(bytes(data[at:at + 4]))
        if at + size > n:
            raise FrameError(f"a frame cut short at byte {at}")
        found.append(at)
        at += size
    found.append(at)
    return found


def frames(data: bytes | memoryview, start: int = 0) -> Iterator[Frame]:
    """The frames of a stream of bytes from start, each with its side info read."""
    at, n = start, len(data)
    while at + 4 <= n:
        frame = frame_at(data, at)
        yield frame
        at += frame.size


def frame_at(data: bytes | memoryview, at: int) -> Frame:
    """The frame beginning at byte at, with its side info read."""
    size, side = frame_size(bytes(data[at:at + 4]))
    if at + size > len(data):
        raise FrameError(f"a frame cut short at byte {at}")
    bits = int.from_bytes(data[at + 4:at + 4 + side], "big")
    total = side * 8
    begin = bits >> (total - 9)
    channels = 1 if side == 17 else 2
    first = 9 + (5 if channels == 1 else 3) + 4 * channels
    part23, blocks = 0, []
    for g in range(2 * channels):
        shift = total - first - 59 * g
        part23 += (bits >> (shift - 12)) & 0xFFF
        switching = (bits >> (shift - 34)) & 1
        blocks.append((bits >> (shift - 36)) & 3 if switching else 0)
    return Frame(at, size, side, begin, (part23 + 7) // 8, tuple(blocks))


@dataclass(frozen=True, slots=True)
class Stretch:
    """One stretch's encoding: its frames' bytes (no Info frame), the global index of its first frame, and
    the global frames [keep_from, keep_to) it gives the whole."""

    data: bytes | memoryview
    first: int
    keep_from: int
    keep_to: int | None     # None: to its last frame


class SeamError(Exception):
    """Two stretches that cannot be joined at their seam as encoded (the caller encodes in one piece)."""


def join(stretches: list[Stretch]) -> tuple[list[bytes | memoryview], list[int]]:
    """The frames of the whole, as pieces of bytes in order (views of the stretches' own bytes where they are
    kept as encoded), and every frame's size.

    Frames are copied as they are, except around each seam: there the next stretch's first frames take their
    main data from where their own encoding put it (their bit reservoir reached back into frames now
    replaced), so it is laid out again after the previous stretch's last data, each frame's main_data_begin
    rewritten, until a frame's data starts where its own encoding started it; from there on the layout is
    the encoding's own.
    """
    pieces: list[bytes | memoryview] = []
    sizes: list[int] = []
    carried: list[tuple[Frame, bytearray]] = []    # the previous stretch's last frames, open to rewriting
    for n, part in enumerate(stretches):
        edges = offsets(part.data)   # frame k is data[edges[k]:edges[k + 1]]; side info read only at the seams
        count = len(edges) - 1
        lo = part.keep_from - part.first
        end = count if part.keep_to is None else part.keep_to - part.first
        if end > count or end - lo < 2 * SEAM_FRAMES:
            raise SeamError(f"stretch {n} has {count} frames from frame {part.first}: too few to keep "
                            f"{part.keep_from} to {part.keep_to}")
        start = 0
        if carried:
            ahead = [frame_at(part.data, edges[k]) for k in range(lo - 2, min(count, lo + SEAM_FRAMES))]
            rewritten, start = _seam(carried, ahead, part.data)
            pieces += [bytes(b) for b in rewritten]
        tail = max(start, end - lo - (4 if n + 1 < len(stretches) else 0))
        if tail > start:
            pieces.append(part.data[edges[lo + start]:edges[lo + tail]])
        carried = [(frame_at(part.data, edges[k]), bytearray(part.data[edges[k]:edges[k + 1]]))
                   for k in range(lo + tail, end)]
        sizes += [edges[k + 1] - edges[k] for k in range(lo, end)]
    pieces += [bytes(b) for _, b in carried]
    return pieces, sizes


SEAM_FRAMES = 64    # the next stretch's layout must meet its own encoding's within this many frames


def _seam(carried: list[tuple[Frame, bytearray]], ahead: list[Frame],
          data: bytes | memoryview) -> tuple[list[bytearray], int]:
    """The carried frames and the next stretch's first frames (ahead: from two before its first kept one, where
    their data starts) laid out again across the seam."""
    heads = [b[:4 + f.side] for f, b in carried]
    win = bytearray().join(b[4 + f.side:] for f, b in carried)
    at = [0]
    for f, _ in carried:
        at.append(at[-1] + f.payload)
    last = carried[-1][0]
    free = at[-2] - last.begin + last.data_bytes   # where the previous stretch's main data ends
    own = bytearray().join(data[f.at + 4 + f.side:f.at + f.size] for f in ahead)
    own_at = [0]
    for f in ahead:
        own_at.append(own_at[-1] + f.payload)
    shift = len(win) - own_at[2]              # own payload coordinates -> the window's
    win += own[own_at[2]:]
    placed: dict[int, int] = {}
    for k in range(2, len(ahead)):
        f = ahead[k]
        began = own_at[k] - f.begin          # where its own encoding put its main data
        if began < 0:
            raise SeamError("a frame's main data reaches back past the lead-in")
        if began + shift >= free:            # its own layout from here on: copy what lies before it
            win[began + shift:own_at[k] + shift] = own[began:own_at[k]]
            frames_out = [h + win[at[i]:at[i + 1]] for i, h in enumerate(heads)]
            for j in range(2, k):
                g = ahead[j]
                head = bytearray(data[g.at:g.at + 4 + g.side])
                begin = own_at[j] + shift - placed[j]
                head[4] = begin >> 1
                head[5] = (head[5] & 0x7F) | ((begin & 1) << 7)
                frames_out.append(head + win[own_at[j] + shift:own_at[j + 1] + shift])
            return frames_out, k - 2
        if free + f.data_bytes > own_at[k + 1] + shift:
            raise SeamError("a frame's main data does not fit after the seam")
        win[free:free + f.data_bytes] = own[began:began + f.data_bytes]
        placed[k] = free
        free += f.data_bytes
    raise SeamError(f"the layouts did not meet within {SEAM_FRAMES} frames")


def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


CRC_TABLE = _crc_table()


def crc16(data: bytes | memoryview, crc: int = 0) -> int:
    """CRC-16/ARC (reflected 0x8005, from 0), the LAME tag's, byte by byte: for short data."""
    table = CRC_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def crc16_many(data: bytes | memoryview, crc: int = 0, chunk: int = 1024) -> int:
    """CRC-16/ARC of megabytes: the CRCs of many chunks at once (numpy), joined by the CRC's linearity."""
    import numpy as np
    n = len(data) // chunk
    if n < 64:
        return crc16(data, crc)
    table = np.array(CRC_TABLE, dtype=np.uint32)
    block = np.frombuffer(data, dtype=np.uint8, count=n * chunk).reshape(n, chunk).T.copy()
    crcs = np.zeros(n, dtype=np.uint32)
    for row in block:
        crcs = (crcs >> 8) ^ table[(crcs ^ row) & 0xFF]
    # the register after a chunk of zeros is linear in the register before it: per bit, then per byte value
    bit_images = []
    for bit in range(16):
        c = 1 << bit
        for _ in range(chunk):
            c = (c >> 8) ^ CRC_TABLE[c & 0xFF]
        bit_images.append(c)
    low = [_xor_of(bit_images[:8], v) for v in range(256)]
    high = [_xor_of(bit_images[8:], v) for v in range(256)]
    for c in crcs.tolist():
        crc = low[crc & 0xFF] ^ high[crc >> 8] ^ c
    return crc16(data[n * chunk:], crc)


def _xor_of(images: list[int], bits: int) -> int:
    out = 0
    for i, image in enumerate(images):
        if bits >> i & 1:
            out ^= image
    return out


def info_frame(template: bytes, channels: int, sizes: list[int], n_samples: int) -> bytes:
    """The Xing/Info frame of the whole, as ffmpeg's muxer writes it: template is a stretch's own (its
    encoder's name and delay); the frame count, bytes, seek table, padding, music length and CRCs are the
    whole's (music_crc is set by the caller)."""
    frame = bytearray(template)
    x = XING_AT[channels]
    if frame[x:x + 4] not in (b"Info", b"Xing"):
        raise FrameError("the stretch has no Info frame to copy")
    total = len(frame) + sum(sizes)
    frame[x + 8:x + 16] = len(sizes).to_bytes(4, "big") + total.to_bytes(4, "big")
    frame[x + 16:x + 16 + TOC_SIZE] = _toc(len(frame), sizes)
    delay = int.from_bytes(frame[x + 141:x + 144], "big") >> 12
    padding = len(sizes) * SAMPLES_PER_FRAME - n_samples - delay
    if not 0 <= padding < 4096:
        raise FrameError(f"{len(sizes)} frames cannot hold {n_samples} samples after a delay of {delay}")
    frame[x + 141:x + 144] = ((delay << 12) + padding).to_bytes(3, "big")
    frame[x + XING_SIZE - 8:x + XING_SIZE - 4] = total.to_bytes(4, "big")
    return bytes(frame)


def info(frame: bytes, channels: int) -> tuple[int, int, int]:
    """(frames counted, encoder delay, padding) from an Info frame."""
    x = XING_AT[channels]
    if frame[x:x + 4] not in (b"Info", b"Xing"):
        raise FrameError("the file's first frame is no Info frame")
    both = int.from_bytes(frame[x + 141:x + 144], "big")
    return int.from_bytes(frame[x + 8:x + 12], "big"), both >> 12, both & 0xFFF


def with_crcs(frame: bytes, channels: int, music_crc: int) -> bytes:
    """The Info frame with the music's CRC and its own (over the first 190 bytes, as ffmpeg computes it)."""
    out = bytearray(frame)
    x = XING_AT[channels]
    out[x + XING_SIZE - 4:x + XING_SIZE - 2] = music_crc.to_bytes(2, "big")
    out[x + XING_SIZE - 2:x + XING_SIZE] = crc16(bytes(out[:190])).to_bytes(2, "big")
    return bytes(out)


def _toc(size: int, sizes: list[int]) -> bytes:
    """The seek table ffmpeg writes (after LAME's VbrTag.c): frame positions sampled into 400 bags."""
    bags, want, seen, pos = [0] * BAGS, 1, 0, 0
    for s in sizes:
        seen += 1
        size += s
        if want == seen:
            bags[pos] = size
            pos += 1
            if pos == BAGS:
                for i in range(1, BAGS, 2):
                    bags[i >> 1] = bags[i]
                want *= 2
                pos = BAGS // 2
            seen = 0
    return bytes([0] + [min(256 * bags[i * pos // TOC_SIZE] // size, 255) for i in range(1, TOC_SIZE)])
