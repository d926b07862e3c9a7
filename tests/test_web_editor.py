"""The editor's API on a real server: a routine's tables to edit, saved as a file a person can read, refused
with the loader's words at the field, stale saves refused (409), path tricks, huge bodies and bad JSON
refused, deleting only the user's own, a preview that writes nothing, and imports."""

import copy
import json
import tomllib

import pytest
from test_web_api import TOKEN, InProcess, call

from audioguide import files

NEW = {
    "exercises": {"wall-angels": {
        "title": "Wall angels", "summary": "Arms slide up and down a wall.", "equipment": ["a wall"],
        "sides": "both", "count": "none",
        "phases": [{"cue": "Slide your arms up the wall, and hold.", "move_s": 2,
                    "hold": {"min_s": 3, "default_s": 5, "max_s": 8}},
                   {"cue": "And down.", "move_s": 2}],
        "reps": {"min": 2, "default": 3, "max": 5}}},
    "routines": {"my-back": {"title": "My back", "intro": ["A few minutes for your back."],
                             "items": [{"exercise": "wall-angels"}, {"exercise": "cat-cow"}]}},
}


@pytest.fixture
def server(tmp_path):
    app = InProcess(tmp_path / "site", tmp_path / "cache")
    yield app.port
    app.close()


def put(port, routine_id, tables, version=None, token=TOKEN):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    conn.request("PUT", f"/api/routines/{routine_id}", body=json.dumps(tables).encode(), headers=headers)
    response = conn.getresponse()
    answer = json.loads(response.read() or b"{}")
    conn.close()
    return response.status, answer


def test_a_new_routine_is_saved_as_a_file_a_person_reads_and_the_cli_sees_it(server, tmp_path):
    (tmp_path / "site").mkdir(exist_ok=True)
    status, saved = put(server, "my-back", NEW)
    assert status == 201 and saved["file"] == "my-back.toml"
    path = files.config_dir() / "my-back.toml"
    text = path.read_text()
    assert tomllib.loads(text)["routines"]["my-back"]["title"] == "My back"
    assert text.index("[exercises.wall-angels]") < text.index("[routines.my-back]")
    assert "[[exercises.wall-angels.phases]]" in text and "hold = {min_s = 3, default_s = 5, max_s = 8}" in text
    assert text.index('title = "Wall angels"') < text.index("summary =") < text.index("equipment =")  # as the docs
    assert "cat-cow" not in text.split("[routines")[0]  # a built-in exercise is used, not copied
    from click.testing import CliRunner

    from audioguide.cli import cli
    listed = CliRunner().invoke(cli, ["validate", str(path)])
    assert listed.exit_code == 0 and listed.output == f"{path}: ok\n"
    status, source = call(server, "GET", "/api/routines/my-back/source", token=None)
    assert status == 200 and source["editable"] and source["version"] == saved["version"]
    assert source["tables"]["routines"]["my-back"]["items"][1] == {"exercise": "cat-cow"}
    assert source["used"]["cat-cow"]["title"] == "Cat cow"  # shown, not copied
    status, listed = call(server, "GET", "/api/definitions", token=None)
    assert {"file": "my-back.toml", "routines": ["my-back"], "exercises": ["wall-angels"], "programs": []} \
        in listed["files"]


def test_a_mistake_is_refused_at_its_field_in_the_loaders_words_and_nothing_is_saved(server):
    wrong = copy.deepcopy(NEW)
    wrong["exercises"]["wall-angels"]["reps"] = {"min": 6, "max": 4}
    wrong["routines"]["my-back"]["items"][1]["exercise"] = "cat-cows"
    status, answer = put(server, "my-back", wrong)
    assert status == 400
    by_key = {e["key"]: e["message"] for e in answer["errors"]}
    assert by_key["exercises.wall-angels.reps.max"].startswith("must be >= min (6), found 4")
    assert by_key["routines.my-back.items[1].exercise"] == "unknown exercise 'cat-cows'; did you mean cat-cow?"
    assert not (files.config_dir() / "my-back.toml").exists()


def test_a_hand_edit_and_a_stale_save_do_not_lose_each_other(server):
    status, saved = put(server, "my-back", NEW)
    path = files.config_dir() / "my-back.toml"
    hand = path.read_text().replace('title = "My back"', 'title = "My back" # my own name\nrounds = 2')
    path.write_text("# kept by hand\n" + hand)
    stale = copy.deepcopy(NEW)
    stale["routines"]["my-back"]["title"] = "Back, the page's"
    status, answer = put(server, "my-back", stale, saved["version"])
    assert status == 409 and "changed since you opened it" in answer["error"]
    assert "routines.my-back.rounds" in answer["changed"]
    assert "rounds = 2" in path.read_text()  # the hand's work is there
    assert put(server, "my-back", stale)[0] == 409  # no version at all: refused too
    status, source = call(server, "GET", "/api/routines/my-back/source", token=None)
    fresh = source["tables"]
    fresh["routines"]["my-back"]["title"] = "Back, the page's"
    status, answer = put(server, "my-back", fresh, source["version"])
    assert status == 200
    text = path.read_text()
    assert text.startswith("# kept by hand\n") and "# my own name" in text and "rounds = 2" in text
    assert tomllib.loads(text)["routines"]["my-back"]["title"] == "Back, the page's"


def test_a_built_in_is_copied_before_it_changes_and_never_deleted(server):
    status, source = call(server, "GET", "/api/routines/thoracic-mobility/source", token=None)
    assert status == 200 and not source["editable"] and source["version"] == ""
    tables = source["tables"]
    tables["routines"] = {"thoracic-mine": tables["routines"].pop("thoracic-mobility")}
    changed = copy.deepcopy(tables)
    changed["exercises"]["cat-cow"]["title"] = "My cat cow"
    status, answer = put(server, "thoracic-mine", changed)
    assert status == 400 and answer["errors"][0]["key"] == "exercises.cat-cow"
    assert "give your copy an id of its own" in answer["errors"][0]["message"]
    assert put(server, "thoracic-mine", tables)[0] == 201
    assert "[exercises" not in (files.config_dir() / "thoracic-mine.toml").read_text()  # built-ins used as they are
    assert call(server, "DELETE", "/api/routines/thoracic-mobility")[0] == 404
    assert call(server, "DELETE", "/api/routines/thoracic-mine", token=None)[0] == 403
    assert call(server, "DELETE", "/api/routines/thoracic-mine")[0] == 200
    assert not (files.config_dir() / "thoracic-mine.toml").exists()


@pytest.mark.parametrize("routine_id", ["..", ".hidden", "a/b", "UPPER", "x" * 65, "con%2F..%2Fetc", "a b"])
def test_ids_are_checked_like_file_names(server, routine_id):
    from urllib.parse import quote
    status, answer = put(server, quote(routine_id, safe=""), {"routines": {routine_id: {"title": "x", "items": []}}})
    assert status in (400, 404) and "routine" in answer.get("error", "")
    assert not files.config_dir().exists() or list(files.config_dir().iterdir()) == []  # nothing written


def test_a_link_planted_in_the_folder_is_never_written_through(server, tmp_path):
    folder = files.ensure_folder(files.config_dir())
    outside = tmp_path / "outside.toml"
    (folder / "my-back.toml").symlink_to(outside)
    status, answer = put(server, "my-back", NEW)
    assert status == 409 and "link" in answer["error"]
    assert not outside.exists()


def test_huge_bodies_bad_json_and_unknown_ids_are_refused(server):
    status, _ = call(server, "PUT", "/api/routines/my-back", raw=b"{" + b" " * (300 * 1024) + b"}")
    assert status == 413
    status, answer = call(server, "PUT", "/api/routines/my-back", raw=b"{not json")
    assert status == 400 and "expected a JSON object" in answer["error"]
    status, answer = put(server, "my-back", {"routines": {"other": NEW["routines"]["my-back"]}})
    assert status == 400 and answer["errors"][0]["key"] == "routines"
    assert call(server, "GET", "/api/routines/no-such/source", token=None)[0] == 404
    assert call(server, "DELETE", "/api/routines/no-such")[0] == 404


def test_a_preview_plans_unsaved_tables_and_writes_nothing(server):
    status, shown = call(server, "POST", "/api/preview", {"routine": "my-back", "minutes": 3, "tables": NEW})
    assert status == 200 and abs(shown["duration_s"] - 180) < 0.01
    assert [c["title"] for c in shown["chapters"]][:2] == ["Intro", "Wall angels"]
    assert shown["said"][0]["text"] == "A few minutes for your back." and shown["said"][0]["at_s"] < 5
    assert not (files.config_dir() / "my-back.toml").exists()
    status, answer = call(server, "POST", "/api/preview", {"routine": "my-back", "minutes": "soon", "tables": NEW})
    assert status == 400 and answer["error"].startswith("minutes: ")


def test_an_upload_from_another_app_opens_as_tables_to_edit(server):
    from conftest import DATA
    text = (DATA / "imports" / "jawt-minimal.json").read_text()
    status, found = call(server, "POST", "/api/import", {"name": "plank.json", "text": text})
    assert status == 200 and found["format"] == "Just Another Workout Timer" and found["routine"] == "plank"
    assert found["tables"]["routines"]["plank"]["rounds"] == {"min": 1, "default": 3, "max": 3}
    status, answer = call(server, "POST", "/api/import", {"name": "x.json", "text": "{\"hello\": 1}"})
    assert status == 400 and answer["error"].startswith("text: x.json: expected a Feeel workout")


def test_a_broken_file_in_the_folder_is_named_never_a_500(server):
    folder = files.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notes.toml").write_text("# only a comment\n")
    for method, path in [("GET", "/api/routines/my-back/source"), ("GET", "/api/exercises")]:
        status, answer = call(server, method, path)
        assert status == 409 and "notes.toml" in answer["error"], (path, status, answer)
        assert answer["errors"][0]["file"].endswith("notes.toml")
    status, answer = call(server, "PUT", "/api/program", {"program": "thoracic-four-weeks", "start": "2026-12-01"})
    assert status == 409 and "notes.toml" in answer["error"]


def test_a_wrong_token_answers_the_same_whether_a_session_or_a_routine_exists_or_not(server, tmp_path):
    """Without the server's token (none, a wrong one, one character short, the calendar's key) a write is
    refused before anything is looked up: what exists and what does not get the same answer, and stay."""
    from audioguide.pipeline import state
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "desk-reset-3m.mp3").write_bytes(b"ID3 a session")
    from audioguide.publish import session
    session.beside(site / "desk-reset-3m.mp3", session.PLAN).write_text("{}")  # with its plan: a session
    assert put(server, "my-back", NEW)[0] == 201
    pairs = [("DELETE", "/api/sessions/desk-reset-3m.mp3", "/api/sessions/desk-reset-4m.mp3", None),
             ("DELETE", "/api/routines/my-back", "/api/routines/my-front", None),
             ("PUT", "/api/routines/my-back", "/api/routines/my-front", NEW)]
    for token in (None, "wrong", TOKEN[:-1], state.calendar_key(TOKEN)):
        for method, there, missing, body in pairs:
            answered = call(server, method, there, body, token=token)
            assert answered[0] == 403 and answered == call(server, method, missing, body, token=token), (token, there)
    assert (site / "desk-reset-3m.mp3").exists() and (files.config_dir() / "my-back.toml").exists()
    # with the token the two differ: the refusals above hid something there was to find
    assert call(server, "DELETE", "/api/sessions/desk-reset-4m.mp3")[0] == 404
    assert call(server, "DELETE", "/api/routines/my-front")[0] == 404
    assert call(server, "DELETE", "/api/routines/my-back")[0] == 200
    assert call(server, "DELETE", "/api/sessions/desk-reset-3m.mp3")[0] == 200 and not (site / "desk-reset-3m.mp3").exists()
