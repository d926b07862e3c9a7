"""Timeline -> SVG picture: chapters as bands, speech and beeps as marks, holds as spans."""

from __future__ import annotations

from html import escape as _escape
from pathlib import Path

from .. import files, times
from ..model import HOLD, SPEECH, Timeline
from . import safe

WIDTH = 1200
LEFT = 70
ROWS = {"chapter": 30, SPEECH: 80, "beep": 115, HOLD: 150}
HEIGHT = 200
BAND_COLOURS = ("#dbe9f6", "#f6e7d8", "#e1f2e1", "#f1e0f0", "#f6f3d3", "#e3e3f3")
SOUND_COLOURS = {"rep": "#333333", "hold_start": "#1b9e3e", "hold_end": "#c2412d", "tick": "#888888",
                 "chime": "#2f6db5", "bell": "#7b3fa0"}


def escape(text: str) -> str:
    return _escape(safe.xml(text))


def render(timeline: Timeline) -> str:
    """The session as a standalone SVG document (width WIDTH px, time running left to right)."""
    scale = (WIDTH - LEFT - 10) / timeline.n_samples
    x = lambda sample: LEFT + sample * scale  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">',
           f"<title>{escape(timeline.title)}: {timeline.duration_s / 60:g} minutes</title>",
           '<rect width="100%" height="100%" fill="white"/>']
    for label, key in (("chapters", "chapter"), ("speech", SPEECH), ("beeps", "beep"), ("holds", HOLD)):
        out.append(f'<text x="4" y="{ROWS[key] + 4}" fill="#555">{label}</text>')
    for i, chapter in enumerate(timeline.chapters):
        x0, x1 = x(chapter.start), x(chapter.end)
        out.append(f'<rect class="chapter" x="{x0:.2f}" y="{ROWS["chapter"] - 14}" width="{x1 - x0:.2f}" '
                   f'height="{ROWS[HOLD] - ROWS["chapter"] + 28}" fill="{BAND_COLOURS[i % len(BAND_COLOURS)]}">'
                   f"<title>{escape(chapter.title)} ({times.clock(chapter.start_s, 1)})</title></rect>")
        if x1 - x0 > 40:
            fitted = min(x1 - x0 - 6, 7 * len(chapter.title))
            out.append(f'<text x="{x0 + 3:.2f}" y="{ROWS["chapter"] + 4}" textLength="{fitted:.0f}" '
                       f'lengthAdjust="spacingAndGlyphs">{escape(chapter.title)}</text>')
    for event in timeline.events:
        x0, x1 = x(event.start), x(event.end)
        tip = f"<title>{times.clock(event.start_s, 1)} {escape(event.text or event.kind)}</title>"
        if event.kind == SPEECH:
            out.append(f'<rect class="speech" x="{x0:.2f}" y="{ROWS[SPEECH] - 8}" width="{max(x1 - x0, 1):.2f}" '
                       f'height="16" fill="#3b6fb6">{tip}</rect>')
        elif event.kind == HOLD:
            out.append(f'<rect class="hold" x="{x0:.2f}" y="{ROWS[HOLD] - 6}" width="{max(x1 - x0, 1):.2f}" '
                       f'height="12" fill="#e0a030">{tip}</rect>')
        else:
            out.append(f'<line class="beep {event.kind}" x1="{x0:.2f}" x2="{x0:.2f}" y1="{ROWS["beep"] - 10}" '
                       f'y2="{ROWS["beep"] + 10}" stroke="{SOUND_COLOURS.get(event.kind, "#000")}" '
                       f'stroke-width="1.5">{tip}</line>')
    minutes = int(timeline.duration_s // 60)
    step = 1 if minutes <= 20 else 5 if minutes <= 90 else 15
    for m in range(0, minutes + 1, step):
        xm = x(m * 60 * timeline.sample_rate)
        out.append(f'<line x1="{xm:.2f}" x2="{xm:.2f}" y1="{HEIGHT - 28}" y2="{HEIGHT - 22}" stroke="#555"/>'
                   f'<text x="{xm:.2f}" y="{HEIGHT - 10}" text-anchor="{"end" if xm > WIDTH - 30 else "middle"}" '
                   f'fill="#555">{m}:00</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def write(path: Path, timeline: Timeline) -> None:
    """Draw the timeline into an SVG file at path."""
    files.write_text(path, render(timeline))
