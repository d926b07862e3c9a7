"""The page's files as Python sees them: the constants it shares with the script, the modules the service worker
keeps, the template filled whole, and the static copy 'feed' writes (quick: no browser)."""

import re
from importlib import resources

from audioguide.web import page

STATIC = resources.files("audioguide.web").joinpath("static")


def test_constants_are_read_from_the_script_module():
    found = page.constants()
    assert re.fullmatch(r"#[0-9a-f]{6}", found["THEME_COLOR"])
    assert found["OFFLINE_CACHE"] != found["SHELL_CACHE"]
    text = STATIC.joinpath("page", "constants.js").read_text()
    assert len(re.findall(r"^export const ", text, re.M)) == len(found)  # every constant on one line, as Python reads them


def test_the_service_worker_keeps_every_file_of_the_page_folder():
    on_disk = sorted(p.name for p in STATIC.joinpath("page").iterdir() if not p.name.startswith("."))
    assert sorted(page.page_files()) == on_disk


def test_every_module_the_page_imports_is_one_it_ships():
    for name in page.page_files():
        text = STATIC.joinpath("page", name).read_text()
        for imported in re.findall(r'from "\./([\w.-]+)"', text):
            assert imported in page.page_files(), (name, imported)


def test_the_template_is_filled_whole_and_escapes_the_title():
    listing = {"title": 'Back & <neck>', "groups": []}
    html = page.render(listing, "http://192.168.1.20:8000/feed.xml", api=True)
    assert "$" not in html.replace("$title", "")  # no placeholder left unfilled
    assert "<title>Back &amp; &lt;neck&gt;</title>" in html
    assert f'content="{page.constants()["THEME_COLOR"]}"' in html and 'type="module" src="page/app.js"' in html
    assert 'rel="manifest"' in html and 'rel="manifest"' not in page.render(listing, "http://x/feed.xml")


def test_the_static_copy_brings_the_page_folder(tmp_path):
    feed, skipped = page.write_site(tmp_path, "http://192.168.1.20:8000/")
    assert feed == tmp_path / "feed.xml" and skipped == []
    assert sorted(p.name for p in (tmp_path / "page").iterdir()) == sorted(page.page_files())
    assert (tmp_path / "page" / "app.js").read_bytes() == STATIC.joinpath("page", "app.js").read_bytes()
    assert 'src="page/app.js"' in (tmp_path / "index.html").read_text()
