"""The page beside the feed: each episode with a player, its chapters (tap to seek) and its timeline picture."""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import quote

from .. import times
from .episodes import episodes, heading


def render(folder: Path, title: str | None = None) -> str:
    """A phone-friendly page: each episode with a player, its chapters (tap to seek) and its timeline picture."""
    found = episodes(folder)
    title, _ = heading(found, title)
    parts = []
    for n, episode in enumerate(found):
        chapters = "".join(
            f'<li><a href="#" data-player="p{n}" data-seek="{start:.3f}">{times.clock(start)} {html.escape(name)}</a></li>'
            for start, name in episode.chapters)
        picture = (f'<img class="plan" src="{quote(episode.sidecar(".svg").name)}" alt="Timeline of {html.escape(episode.title)}">'
                   if episode.sidecar(".svg").exists() else "")
        parts.append(f"""<section>
<h2>{html.escape(episode.title)}</h2>
<p class="meta">{times.clock(episode.duration_s)} &middot; {episode.published:%Y-%m-%d}</p>
<audio id="p{n}" controls preload="metadata" src="{quote(episode.path.name)}"></audio>
<ol class="chapters">{chapters}</ol>
{picture}
</section>""")
    body = "\n".join(parts) or "<p>No sessions yet: build one with <code>audioguide build</code>.</p>"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="alternate" type="application/rss+xml" title="{html.escape(title)}" href="feed.xml">
<style>
body {{ font-family: system-ui, sans-serif; margin: 0 auto; max-width: 44rem; padding: 1rem; line-height: 1.4; }}
audio {{ width: 100%; }}
.chapters a {{ display: block; padding: .45rem 0; text-decoration: none; }}
.plan {{ width: 100%; height: auto; border: 1px solid #ddd; }}
.meta {{ color: #666; margin-top: 0; }}
section {{ border-bottom: 1px solid #eee; padding-bottom: 1rem; }}
</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p><a href="feed.xml">Podcast feed</a>: add this page's feed.xml address to your podcast app.</p>
{body}
<script>
document.querySelectorAll("a[data-seek]").forEach(function (link) {{
  link.addEventListener("click", function (event) {{
    event.preventDefault();
    var player = document.getElementById(link.dataset.player);
    player.currentTime = parseFloat(link.dataset.seek);
    player.play();
  }});
}});
</script>
</body>
</html>
"""
