"""The page in a real browser (Debian's Chromium, driven by Playwright) at phone size: make a session from the form,
watch it being made, play it, tap a chapter, read the lock-screen title, keep it offline, delete it; and an
accessibility pass (axe-core) over the whole page."""

import os
import re
import shutil
import signal
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TOKEN = "page-token-42"
PHONE = {"width": 412, "height": 915}

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (scripts/setup installs it)")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("phone")
    proc = subprocess.Popen([sys.executable, "-m", "audioguide", "serve", "-o", str(folder), "--port", "0",
                             "--engine", "tone", "--cache-dir", str(tmp_path_factory.mktemp("cache")),
                             "--token", TOKEN], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "XDG_STATE_HOME": str(tmp_path_factory.mktemp("state"))})  # its own
    lines = [proc.stdout.readline() for _ in range(3)]
    port = int(re.search(r":(\d+)/feed\.xml", lines[1]).group(1))
    yield folder, f"http://127.0.0.1:{port}/"
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        found = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required"])
        yield found
        found.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield context
    context.close()


@needs_chromium
def test_make_follow_play_and_keep_a_session_at_phone_width(site, phone, tmp_path):
    folder, url = site
    page = phone.new_page()
    page.goto(url + f"?token={TOKEN}")
    assert "token" not in page.url  # kept by the page, not left in the address
    page.wait_for_selector("#what option[value='routine:thoracic-mobility']", state="attached")
    page.select_option("#what", "routine:thoracic-mobility")
    page.click(".presets button[data-minutes='5']")
    assert page.input_value("#minutes") == "5"
    page.screenshot(path=str(tmp_path / "form.png"), full_page=True)
    page.click("#make-button")
    seen = set()
    for _ in range(600):  # the progress bar moves through the build's stages
        stage = page.text_content("#build-stage")
        seen.add(stage)
        if stage == "Done":
            break
        page.wait_for_timeout(25)
    assert "Done" in seen and any(s.startswith(("Recording the voice", "Mixing and saving")) for s in seen), seen
    assert not any(": " in s for s in seen), seen  # words a person says, not stage names ('Making: speech')
    assert page.eval_on_selector("#build-progress", "p => p.value") == 1
    card = "article[data-file='thoracic-mobility-5m.mp3']"
    page.wait_for_selector(card)
    assert (folder / "thoracic-mobility-5m.mp3").exists()
    assert "thoracic-mobility-5m.mp3" in page.request.get(url + "feed.xml").text()  # and it is in the feed
    page.wait_for_function(f"!document.querySelector(\"{card} audio\").paused")  # the new session plays
    assert page.eval_on_selector_all("details.chapter-list[open]", "d => d.length") == 0  # lists start folded
    page.click(f"{card} details.chapter-list summary")
    chapters = page.query_selector_all(f"{card} .chapters button")
    assert len(chapters) == 6  # intro, four exercises, outro: at 5 minutes the optional one is left out
    start = float(chapters[2].get_attribute("data-seek"))
    chapters[2].tap()
    page.wait_for_timeout(300)
    at = page.eval_on_selector(f"{card} audio", "a => a.currentTime")
    assert start - 0.1 <= at < start + 2, (start, at)
    page.wait_for_function(f"document.querySelector(\"{card} .chapters button.current\") !== null")
    current = page.text_content(f"{card} .chapters button.current span:last-child")
    assert current == "Foam roll assisted thoracic extension"
    assert page.evaluate("navigator.mediaSession.metadata.title") == current  # what the lock screen shows
    assert page.evaluate("navigator.mediaSession.metadata.album").startswith("Thoracic mobility (5m)")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing wider than the phone
    page.screenshot(path=str(tmp_path / "playing.png"), full_page=True)

    # keep it offline, lose the network: the page and the session still play
    page.eval_on_selector(f"{card} audio", "a => a.pause()")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    assert page.text_content(f"{card} .session-how").startswith("Voice: tone")  # what it was made with
    page.check(f"{card} input.keep")
    assert re.search(r"It takes \d+(\.\d)? [kM]B\.$", asked[0]), asked  # Keep offline says what it costs
    page.wait_for_function(f"document.querySelector(\"{card} label\").textContent.startsWith('Kept offline (')")
    page.wait_for_function("caches.open('audioguide-offline-v1').then(c => c.match('thoracic-mobility-5m.mp3'))"
                           ".then(r => window.__kept = Boolean(r)), window.__kept === true")
    page.wait_for_function("navigator.serviceWorker.controller !== null || (location.reload(), false)",
                           timeout=15000)
    phone.set_offline(True)
    page.reload()
    page.wait_for_selector(card)
    page.eval_on_selector(f"{card} audio", "a => { a.currentTime = 30; return a.play(); }")
    page.wait_for_function(f"document.querySelector(\"{card} audio\").currentTime > 30.5", timeout=15000)
    phone.set_offline(False)

    # delete it from the page: the files go, and the feed no longer lists it
    page.click(f"{card} button.delete")
    page.wait_for_selector(card, state="detached")
    assert not [p for p in folder.iterdir() if p.name.startswith("thoracic-mobility-5m")]
    assert "thoracic-mobility-5m.mp3" not in page.request.get(url + "feed.xml").text()


@needs_chromium
def test_a_session_named_with_url_characters_plays_and_keeps(site, phone):
    """A --name may hold '#', '?', '%', quotes, spaces and accents: the page must still reach the file."""
    from click.testing import CliRunner

    from audioguide.cli import cli
    folder, url = site
    made = CliRunner().invoke(cli, ["build", "desk-reset", "-m", "3", "--engine", "tone", "-o", str(folder),
                                    "--name", "Sam's #1 & ?% – día {length}"])
    assert made.exit_code == 0, made.output
    name = "Sam's #1 & ?% – día 3m.mp3"
    page = phone.new_page()
    page.goto(url + f"?token={TOKEN}")
    find = f"[...document.querySelectorAll('article.session')].find(a => a.dataset.file === {name!r})"
    page.wait_for_function(f"{find} !== undefined")
    page.evaluate(f"{find}.querySelector('audio').play()")
    page.wait_for_function(f"{find}.querySelector('audio').currentTime > 0.5", timeout=15000)
    audio = page.evaluate(f"(() => {{ const a = {find}.querySelector('audio'); "
                          "return {error: a.error && a.error.code, duration: a.duration}; })()")
    assert audio["error"] is None and abs(audio["duration"] - 180) < 1, audio
    page.evaluate(f"{find}.querySelector('audio').pause()")
    page.on("dialog", lambda dialog: dialog.accept())  # "Keep ... on this phone? It takes ..."
    page.evaluate(f"(() => {{ const box = {find}.querySelector('input.keep'); box.checked = true; "
                  "box.dispatchEvent(new Event('change')); })()")
    page.wait_for_function(f"caches.open('audioguide-offline-v1').then(c => c.match(encodeURIComponent({name!r})))"
                           ".then(r => window.__odd = Boolean(r)), window.__odd === true", timeout=15000)


@needs_chromium
def test_the_list_refreshed_while_a_session_plays_keeps_it_playing(site, phone):
    """The page re-reads the sessions (the service worker taking control, a session made): the card playing keeps
    its player and its place."""
    from click.testing import CliRunner

    from audioguide.cli import cli
    folder, url = site
    for minutes in ("3", "4"):
        made = CliRunner().invoke(cli, ["build", "desk-reset", "-m", minutes, "--engine", "tone", "-o", str(folder)])
        assert made.exit_code == 0, made.output
    page = phone.new_page()
    page.goto(url + f"?token={TOKEN}")
    audio = ("[...document.querySelectorAll('article.session')].find(a => a.dataset.file === 'desk-reset-3m.mp3')"
             ".querySelector('audio')")
    page.wait_for_selector("article.session[data-file='desk-reset-3m.mp3']")
    page.evaluate(f"{audio}.play()")
    page.wait_for_function(f"{audio}.currentTime > 0.3", timeout=15000)
    page.evaluate(f"window.__playing = {audio}")
    (folder / "desk-reset-4m.mp3").unlink()  # the other session goes: the list changes around the one playing
    page.evaluate("""async () => {
        const { render } = await import('./page/player.js');
        const groups = (await (await fetch('api/sessions')).json()).groups;
        render(groups, () => []);
    }""")
    kept = page.evaluate(f"""(() => {{ const a = {audio};
        return {{same: a === window.__playing, paused: a.paused, at: a.currentTime,
                 others: document.querySelectorAll('article.session').length}}; }})()""")
    assert kept["same"] and not kept["paused"] and kept["at"] > 0.3, kept
    page.wait_for_function(f"{audio}.currentTime > {kept['at']} + 0.3", timeout=15000)


@needs_chromium
def test_subscribing_at_phone_width(site, phone):
    _, url = site
    page = phone.new_page()
    page.goto(url)
    assert page.input_value("#feed-url") == url + "feed.xml"
    links = {a.text_content(): a.get_attribute("href") for a in page.query_selector_all("#apps a")}
    assert links["Apple Podcasts"] == "podcast://" + url.removeprefix("http://") + "feed.xml"
    assert links["Overcast"].startswith("overcast://x-callback-url/add?url=http%3A%2F%2F127.0.0.1")
    qr = page.query_selector(".qr svg")
    assert qr.get_attribute("viewBox"), "without a viewBox the code cannot be sized"
    box, card = qr.bounding_box(), page.query_selector("#subscribe").bounding_box()
    assert box["width"] >= 150 and abs(box["width"] - box["height"]) < 1  # big enough to scan, square
    assert abs((box["x"] + box["width"] / 2) - (card["x"] + card["width"] / 2)) < 2  # centred
    page.click("#copy")
    page.wait_for_function("document.querySelector('#copied').textContent.length > 0")  # Copy answers
    assert page.query_selector("#make").is_visible()
    assert page.is_disabled("#make-button")  # no token: the page says where to find one
    assert page.is_visible("#no-token")
    manifest = page.request.get(url + "manifest.webmanifest").json()
    assert manifest["display"] == "standalone" and [i["sizes"] for i in manifest["icons"]] == ["192x192", "512x512"]


@needs_chromium
def test_the_page_passes_an_accessibility_check(site, phone, tmp_path):
    from axe_playwright_python.sync_playwright import Axe
    folder, url = site
    subprocess.run([sys.executable, "-m", "audioguide", "build", "desk-reset", "-m", "3", "-o", str(folder),
                    "--engine", "tone", "--cache-dir", str(tmp_path / "c"), "-q"], check=True)
    page = phone.new_page()
    page.goto(url + f"?token={TOKEN}")
    page.wait_for_selector("article.session")
    page.wait_for_selector("#what option", state="attached")
    page.click("#editor-new")  # the editor's form is checked too, with an exercise in it
    page.fill("#editor-new-exercise", "Wall angels")
    page.click("#editor-add-new")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.set_viewport_size({"width": 360, "height": 740})  # the narrowest phones: the timeline still fits
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    bar = page.query_selector("article.session .timeline").bounding_box()
    assert bar["width"] >= 280 and bar["x"] + bar["width"] <= 360


def _form(site, phone, ready: str):
    """The page with its key, once the make form's lists are filled (ready: a selector of what must be there)."""
    page = phone.new_page()
    page.goto(site[1] + f"?token={TOKEN}")
    page.wait_for_selector(ready, state="attached")
    return page


@needs_chromium
def test_voices_by_language_and_a_sample_that_plays(site, phone):
    page = _form(site, phone, "#voice optgroup")
    groups = page.eval_on_selector_all("#voice optgroup", "gs => gs.map(g => [g.label, g.children.length])")
    assert len(groups) >= 2 and all(count > 0 for _, count in groups)
    assert len({label for label, _ in groups}) == len(groups)  # one group per language
    assert page.input_value("#voice").startswith("tone:")  # the server's own voice is the one chosen
    page.click("#voice-preview")
    page.wait_for_function("() => { const a = document.getElementById('voice-player'); "
                           "return a.duration > 2 && (a.currentTime > 0.5 || a.ended); }", timeout=20_000)
    assert page.text_content("#voice-sample") == ""


@needs_chromium
def test_the_length_offers_only_what_can_be_made_and_says_what_a_short_one_leaves_out(site, phone):
    page = _form(site, phone, "#what option[value='routine:thoracic-mobility']")
    page.select_option("#what", "routine:thoracic-mobility")
    assert page.text_content("#needs") == "You need: a wall, a foam roller (or a firmly rolled towel), a chair or " \
                                          "the floor, a mat"  # before you start
    low = float(page.get_attribute("#minutes", "min"))
    page.eval_on_selector("#minutes", "(m) => { m.value = m.min; m.dispatchEvent(new Event('input')); }")
    assert page.text_content("#kept").startswith("1 of the 5 exercises fit: Y lift off against wall.")
    shown = [float(b.get_attribute("data-minutes")) for b in page.query_selector_all(".presets button")
             if b.is_visible()]
    assert shown and min(shown) >= low
    page.click(".presets button[data-minutes='60']")
    assert page.text_content("#kept") == "" and page.text_content("#minutes-shown") == "60"


@needs_chromium
def test_today_start_the_program_make_and_play_day_one_and_the_streak_becomes_one(site, phone):
    folder, url = site
    page = _form(site, phone, "#today h2")
    assert page.text_content("#today h2") == "Start a daily practice"
    assert page.text_content("#streak").startswith("No streak yet")
    page.click("#today-start")
    page.wait_for_selector("#today-play")
    assert page.text_content("#today h2").startswith("Day 1 of 28 - ")
    page.fill("#reminder-time", "06:45")  # reminders: a calendar to subscribe to, at the habit's time
    page.wait_for_function("document.querySelector('#reminder-link').href.includes('06%3A45')")
    link = page.get_attribute("#reminder-link", "href")
    assert link.startswith("webcal://127.0.0.1:") and "calendar.ics?key=" in link and link.endswith("time=06%3A45")
    calendar = page.request.get(link.replace("webcal:", "http:"))
    assert calendar.ok and b"DTSTART:" in calendar.body() and b"T064500" in calendar.body()
    page.click("#today-play")  # made on demand, with progress, then played
    card = "article[data-file='thoracic-four-weeks-day01.mp3']"
    page.wait_for_selector(card, timeout=120_000)
    page.wait_for_function(f"!document.querySelector(\"{card} audio\").paused", timeout=60_000)
    assert (folder / "thoracic-four-weeks-day01.mp3").exists()
    outro = page.eval_on_selector(f"{card} .chapters li:last-child button", "b => Number(b.dataset.seek)")
    page.eval_on_selector(f"{card} audio", f"a => {{ a.currentTime = {outro} - 0.5; a.play(); }}")
    page.wait_for_function("document.getElementById('streak').textContent === 'Streak: 1 day'", timeout=20_000)
    today = page.evaluate("(() => { const d = new Date(); return d.getFullYear() + '-' + "
                          "String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0'); })()")
    assert page.get_attribute("#month td.today", "data-date") == today
    assert page.eval_on_selector_all("#month td.done", "cells => cells.map(c => c.dataset.date)") == [today]
    page.reload()  # the server kept it: the same page, reloaded, still says so
    page.wait_for_selector("#streak")
    assert page.text_content("#streak") == "Streak: 1 day"


@needs_chromium
def test_the_floor_player_shows_the_exercise_and_jumps_with_big_buttons(site, phone, tmp_path):
    folder, url = site
    subprocess.run([sys.executable, "-m", "audioguide", "build", "desk-reset", "-m", "3", "-o", str(folder),
                    "--name", "{routine}-floor", "--engine", "tone", "--cache-dir", str(tmp_path / "c"), "-q"],
                   check=True)
    page = phone.new_page()
    page.goto(url)
    card = "article[data-file='desk-reset-floor.mp3']"
    page.wait_for_selector(card)
    assert page.is_hidden("#floor")
    page.eval_on_selector(f"{card} audio", "a => a.play()")
    page.wait_for_selector("#floor .floor-title", state="visible")
    assert page.text_content("#floor .floor-title") == "Intro"
    assert page.text_content("#floor .floor-next").startswith("Next: ")
    following = page.text_content("#floor .floor-next").removeprefix("Next: ")
    page.click("#floor-next")
    page.wait_for_function(f"document.querySelector('#floor .floor-title').textContent === {following!r}")
    assert "left in this" in page.text_content("#floor .floor-left")
    box = page.query_selector("#floor-next").bounding_box()
    assert box["height"] >= 60 and box["width"] >= 80  # big enough to hit mid-exercise
    page.click("#floor-pause")
    page.wait_for_function(f"document.querySelector(\"{card} audio\").paused")
    page.wait_for_function("document.querySelector('#floor-pause').textContent === 'Play'", timeout=2000)


def _serve(folder, state, cache, port=0):
    """A server of the test's own, keeping its key in state (no --token: as a person runs it)."""
    proc = subprocess.Popen([sys.executable, "-m", "audioguide", "serve", "-o", str(folder), "--port", str(port),
                             "--engine", "tone", "--cache-dir", str(cache)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "XDG_STATE_HOME": str(state)})
    lines = [proc.stdout.readline() for _ in range(3)]
    page_url = lines[2].removeprefix("Page: ").strip()
    return proc, page_url, int(re.search(r":(\d+)/", page_url).group(1))


def _stop(proc):
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)


@needs_chromium
def test_with_the_server_stopped_the_page_says_so_and_plays_what_it_kept_and_after_a_restart_it_makes_again(
        phone, tmp_path):
    folder, state, cache = (tmp_path / name for name in ("site", "state", "cache"))
    folder.mkdir()
    subprocess.run([sys.executable, "-m", "audioguide", "build", "desk-reset", "-m", "3", "-o", str(folder),
                    "--engine", "tone", "--cache-dir", str(cache), "-q"], check=True, capture_output=True)
    proc, page_url, port = _serve(folder, state, cache)
    try:
        page = phone.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(page_url)  # the address 'serve' prints, key and all: the phone is paired
        card = "article[data-file='desk-reset-3m.mp3']"
        page.wait_for_selector(card)
        page.check(f"{card} input.keep")
        page.wait_for_function("caches.open('audioguide-offline-v1').then(c => c.match('desk-reset-3m.mp3'))"
                               ".then(r => window.__kept = Boolean(r)), window.__kept === true")
        page.wait_for_function("navigator.serviceWorker.controller !== null || (location.reload(), false)",
                               timeout=15000)
        page.wait_for_selector("#make-button:not([disabled])")
        assert page.is_hidden("#offline")
    finally:
        _stop(proc)
    page.wait_for_selector("#offline", state="visible", timeout=15000)  # it notices by itself
    assert "cannot be reached" in page.text_content("#offline")
    assert page.is_disabled("#make-button")
    assert "cannot be reached" in page.text_content("#make-why")
    page.eval_on_selector(f"{card} audio", "a => { a.currentTime = 20; return a.play(); }")
    page.wait_for_function(f"document.querySelector(\"{card} audio\").currentTime > 20.5", timeout=15000)
    page.eval_on_selector(f"{card} audio", "a => a.pause()")

    proc, again, _ = _serve(folder, state, cache, port)  # restarted: the same key, kept in the state folder
    try:
        assert again == page_url
        page.wait_for_selector("#offline", state="hidden", timeout=15000)
        page.wait_for_selector("#make-button:not([disabled])")
        page.select_option("#what", "routine:desk-reset")
        page.click(".presets button[data-minutes='5']")
        page.click("#make-button")
        page.wait_for_selector("article[data-file='desk-reset-5m.mp3']", timeout=60000)
        assert page.text_content("#build-stage") == "Done"
    finally:
        _stop(proc)


@needs_chromium
def test_a_program_day_starts_where_the_program_does_and_a_rest_day_is_said_calmly(site, phone):
    page = _form(site, phone, "#what option[value='program:thoracic-four-weeks']")
    page.select_option("#what", "program:thoracic-four-weeks")
    page.fill("#start", "2026-12-01")  # a Tuesday: day 6 is a Sunday, when the program rests
    page.fill("#day", "6")
    page.dispatch_event("#day", "input")
    assert page.text_content("#rest-day") == "Day 6 is a rest day. The next session is day 7."
    assert page.is_disabled("#make-button")
    assert page.eval_on_selector("#rest-day", "p => getComputedStyle(p).color") != \
        page.eval_on_selector("body", "b => getComputedStyle(b).getPropertyValue('--danger')")
    page.fill("#day", "7")
    page.dispatch_event("#day", "input")
    assert page.text_content("#rest-day") == "" and not page.is_disabled("#make-button")


@needs_chromium
def test_write_a_routine_on_the_phone_fix_a_mistake_preview_save_make_play_and_share_it(browser, phone, tmp_path):
    folder, state, cache, config = (tmp_path / name for name in ("site", "state", "cache", "config"))
    folder.mkdir()
    env = {**os.environ, "XDG_CONFIG_HOME": str(config)}
    proc = subprocess.Popen([sys.executable, "-m", "audioguide", "serve", "-o", str(folder), "--port", "0",
                             "--engine", "tone", "--cache-dir", str(cache), "--token", TOKEN],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**env, "XDG_STATE_HOME": str(state)})
    url = re.search(r"http://\S+/", [proc.stdout.readline() for _ in range(3)][1]).group(0)
    try:
        page = phone.new_page()
        page.goto(url + f"?token={TOKEN}")
        page.click("#editor-new")
        page.fill("#f-routine-id", "wall-work")
        page.dispatch_event("#f-routine-id", "change")
        page.fill("#f-routines-wall-work-title", "Wall work")
        page.fill("#f-routines-wall-work-intro", "A few minutes at the wall.\nThis is not medical advice.")
        page.fill("#editor-new-exercise", "Wall angels")
        page.click("#editor-add-new")
        angels = "exercises-wall-angels"
        page.fill(f"#f-{angels}-phases-0-cue", "Slide your arms up the wall, and hold.")
        page.select_option(f"#f-{angels}-sides", "both")
        page.fill(f"#f-{angels}-reps-min", "6")       # a mistake: the most is less than the least
        page.fill(f"#f-{angels}-reps-default", "3")
        page.fill(f"#f-{angels}-reps-max", "4")
        page.select_option("#editor-pick", "cat-cow")  # and a built-in one, picked
        page.click("#editor-add")
        page.click("#editor-save")
        flagged = "[data-error-for='exercises.wall-angels.reps.max']"
        page.wait_for_function(f"document.querySelector(\"{flagged}\").textContent.length > 0")
        assert page.text_content(flagged).startswith("must be >= min (6), found 4")  # the loader's own words
        assert not (config / "audioguide" / "wall-work.toml").exists()  # nothing saved while it stands
        page.fill(f"#f-{angels}-reps-min", "2")
        page.click("#editor-preview")
        page.wait_for_selector("#editor-plan .plan-said li")
        assert page.text_content("#editor-plan .plan-said li") == "A few minutes at the wall."
        assert page.text_content(flagged) == ""
        page.click("#editor-make")  # saves, makes 3 minutes, plays
        card = "article[data-file='wall-work-3m.mp3']"
        page.wait_for_selector(card, timeout=60_000)
        page.wait_for_function(f"!document.querySelector(\"{card} audio\").paused", timeout=30_000)
        saved = config / "audioguide" / "wall-work.toml"
        text = saved.read_text()
        checked = subprocess.run([sys.executable, "-m", "audioguide", "validate", str(saved)], env=env,
                                 capture_output=True, text=True)
        assert checked.returncode == 0 and checked.stdout == f"{saved}: ok\n"
        assert text.startswith("# Written by audioguide's editor") and "[[exercises.wall-angels.phases]]" in text
        assert 'sides = "both"' in text and "reps = {min = 2, default = 3, max = 4}" in text
        assert 'cue = ["Slide your arms up the wall, and hold."]' in text
        assert 'exercise = "cat-cow"' in text.split("[routines.wall-work]")[1]  # picked, not copied
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        saved.write_text(text.replace('title = "Wall work"', 'title = "Wall work, by hand"'))  # edited by hand
        page.fill("#f-routines-wall-work-title", "Wall work, from the page")
        page.click("#editor-save")
        page.wait_for_function("document.getElementById('editor-status').textContent.includes('changed since')")
        assert "routines.wall-work.title" in page.text_content("#editor-status")  # 409, saying what changed
        assert "by hand" in saved.read_text()

        page.click("#editor-share")  # a link that carries the routine, opened on a second phone
        page.wait_for_function("document.getElementById('editor-link').value.includes('#import=')")
        link = page.input_value("#editor-link")
        page.wait_for_selector("#editor-qr svg")  # a code the other phone scans
        other = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        try:
            second = other.new_page()
            second.goto(url + f"?token={TOKEN}")
            second.goto(link)
            second.wait_for_selector("#f-routines-wall-work-title")
            assert second.input_value("#f-routines-wall-work-title") == "Wall work, from the page"
            assert second.input_value(f"#f-{angels}-reps-max") == "4"
            assert "shared link" in second.text_content("#editor-status")
        finally:
            other.close()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)


@needs_chromium
def test_a_routine_in_several_languages_is_made_in_the_one_picked_with_its_voices(site, phone):
    folder, _ = site
    page = _form(site, phone, "#what option[value='routine:thoracic-mobility']")
    page.select_option("#what", "routine:thoracic-mobility")
    assert page.is_visible("#language-row")
    offered = page.eval_on_selector_all("#language option", "os => os.map(o => o.textContent)")
    assert {"English", "Español", "Français", "Deutsch", "Italiano", "Português"} <= set(offered)
    page.select_option("#language", "es")
    voices = page.eval_on_selector_all("#voice option", "os => os.map(o => o.value)")
    assert voices and all(v.startswith("tone:") or v in ("kokoro:ef_dora", "kokoro:em_alex", "kokoro:em_santa")
                          or v.startswith("pyttsx3:roa/es") for v in voices), voices  # only Spanish ones
    page.select_option("#voice", "tone:low")
    page.click(".presets button[data-minutes='3']")
    page.click("#make-button")
    page.wait_for_selector("article[data-file^='thoracic-mobility-3m-es']", timeout=60_000)
    made = [p for p in folder.iterdir() if p.name.startswith("thoracic-mobility-3m-es") and p.suffix == ".mp3"]
    assert len(made) == 1
    plan = __import__("json").loads(made[0].with_suffix(".plan.json").read_text())
    assert plan["language"] == "es" and plan["title"] == "Movilidad torácica"

