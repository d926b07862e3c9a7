"""Kokoro's files: found, verified by sha256, and when missing, truncated, damaged or not a file at all, one line
naming the command that repairs them, and speech from the next engine meanwhile."""

import io
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from audioguide import speech
from audioguide.errors import MissingToolError
from audioguide.speech import assets, kokoro

needs_kokoro = pytest.mark.skipif(not assets.packages_installed(), reason="the neural extra is not installed")


@pytest.fixture
def kokoro_dir(tmp_path, monkeypatch):
    folder = tmp_path / "kokoro"
    folder.mkdir()
    monkeypatch.setenv("AUDIOGUIDE_KOKORO_DIR", str(folder))
    return folder


INSTALLED = next((place for place in assets.folders() if (place / assets.MODEL.name).is_file()), None)


def _installed():
    if INSTALLED is None:
        pytest.skip("Kokoro's files are not installed (scripts/setup assembles them)")
    return INSTALLED


def _damage(folder, how):
    real = _installed()
    for asset in (assets.MODEL, assets.VOICES):
        os.symlink(real / asset.name, folder / asset.name)
    target = folder / assets.VOICES.name
    target.unlink()
    if how == "truncated":
        target.write_bytes((real / assets.VOICES.name).read_bytes()[:1000])
    elif how == "damaged":  # the right size, other bytes
        with target.open("wb") as f:
            f.truncate(assets.VOICES.size_bytes)
    elif how == "a device":
        os.symlink("/dev/zero", target)


@needs_kokoro
@pytest.mark.parametrize("how, says", [("missing", "is missing"), ("truncated", "expected a file of"),
                                       ("damaged", "sha256 does not match"), ("a device", "expected a file of")])
def test_a_bad_voices_file_is_one_line_naming_the_repair(kokoro_dir, how, says):
    if how != "missing":
        _damage(kokoro_dir, how)
    else:
        _installed()
        os.symlink(_installed() / assets.MODEL.name, kokoro_dir / assets.MODEL.name)
    with pytest.raises(MissingToolError) as found:
        assets.folder()
    line = str(found.value)
    assert says in line and assets.REPAIR in line and "\n" not in line


@needs_kokoro
def test_verified_files_are_found_and_not_read_again(kokoro_dir, monkeypatch):
    real = _installed()
    for asset in (assets.MODEL, assets.VOICES):
        os.symlink(real / asset.name, kokoro_dir / asset.name)
    assert assets.folder() == kokoro_dir
    hashed = []
    monkeypatch.setattr(assets, "sha256_of", lambda path: hashed.append(path) or "")
    assert assets.folder() == kokoro_dir and not hashed  # the stamp beside them holds their hashes


@needs_kokoro
@pytest.mark.slow
@pytest.mark.parametrize("asked", ["kokoro", "auto"])
def test_a_voice_asked_for_with_damaged_files_falls_back_with_a_note(kokoro_dir, asked):
    _damage(kokoro_dir, "damaged")
    assert not kokoro.available() and speech.resolve("auto") != "kokoro"
    with speech.Speaker(speech.EngineSpec(asked, "af_heart" if asked == "kokoro" else None)) as speaker:
        assert speaker.spec.name in ("piper", "pyttsx3")
        assert len(speaker.notices) == 1 and assets.REPAIR in speaker.notices[0], speaker.notices


@needs_kokoro
@pytest.mark.slow
def test_say_with_damaged_files_still_speaks_and_says_why_in_one_line(kokoro_dir, tmp_path):
    _damage(kokoro_dir, "truncated")
    out = tmp_path / "hi.wav"
    env = {**os.environ, "AUDIOGUIDE_KOKORO_DIR": str(kokoro_dir)}
    done = subprocess.run([sys.executable, "-m", "audioguide", "say", "Lift your chest.", "-o", str(out),
                           "--cache-dir", str(tmp_path / "cache")], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(notes) == 1 and notes[0].startswith("Note: ") and assets.REPAIR in notes[0], done.stderr
    assert out.stat().st_size > 10_000 and "kokoro" not in done.stdout


@needs_kokoro
@pytest.mark.slow
def test_a_setup_killed_while_writing_leaves_no_used_name_half_written_and_the_next_one_assembles_both(tmp_path):
    """SIGKILL while the model's 92 MB are being written: nothing under the names that are used, only a part named
    as audioguide names what it leaves; the next setup sweeps it and assembles and verifies both files."""
    import signal
    import time
    into = tmp_path / "fresh"
    command = [sys.executable, "-m", "audioguide", "voices", "install", "kokoro", "--into", str(into)]
    setup = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (into.is_dir() and list(into.glob("*.part"))) and setup.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    setup.send_signal(signal.SIGKILL)
    setup.wait()
    left = [p.name for p in into.iterdir()]
    assert any(name.endswith(".part") for name in left), f"the kill came too late: {left}"
    assert all(name.startswith(f".audioguide-{setup.pid}-") for name in left), left
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for asset in (assets.MODEL, assets.VOICES):
        assert assets.sha256_of(into / asset.name) == asset.sha256
    assert sorted(p.name for p in into.iterdir()) == sorted([assets.MODEL.name, assets.VOICES.name, assets.STAMP])


def test_a_tarball_that_is_not_the_pinned_package_is_refused():
    with pytest.raises(MissingToolError, match="not the one expected"):
        assets.pack_voices(b"not a tarball")


def test_the_voices_file_is_a_plain_zip_numpy_reads_and_the_same_bytes_every_time():
    members = [(f"v{i}.npy", bytes([i]) * (1000 + i)) for i in range(3)]
    packed = assets._stored_zip(members)
    assert packed == assets._stored_zip(members)
    with zipfile.ZipFile(io.BytesIO(packed)) as z:
        assert z.testzip() is None and [(i.filename, z.read(i)) for i in z.infolist()] == members
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) and i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
    arrays = io.BytesIO()
    np.lib.format.write_array(arrays, np.arange(6, dtype="<f4").reshape(2, 1, 3), version=(1, 0))
    loaded = np.load(io.BytesIO(assets._stored_zip([("af_x.npy", arrays.getvalue())])))
    assert loaded.files == ["af_x"] and loaded["af_x"].shape == (2, 1, 3)




def _asset(data: bytes) -> assets.Asset:
    import hashlib
    return assets.Asset("small.bin", hashlib.sha256(data).hexdigest(), len(data), "A test file")


def test_an_altered_part_is_refused_before_anything_is_written(tmp_path):
    good = b"the model, as its packages join it" * 1000
    asset = _asset(good)
    assets._write_checked(tmp_path, asset, good)
    altered = good[:-1] + b"!"   # one byte of one part changed
    with pytest.raises(MissingToolError, match="does not match their sha256"):
        assets._write_checked(tmp_path, asset, altered)
    assert (tmp_path / asset.name).read_bytes() == good and sorted(p.name for p in tmp_path.iterdir()) == [asset.name]


def test_a_full_disk_while_assembling_is_one_line_and_leaves_the_file_in_place_as_it_was(tmp_path, monkeypatch):
    old, new = b"the files of an earlier setup" * 100, b"the files of this setup" * 100
    assets._write_checked(tmp_path, _asset(old), old)

    def full(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(assets.os, "fsync", full)
    with pytest.raises(MissingToolError, match=r"^cannot write a test file into .*: No space left on device$"):
        assets._write_checked(tmp_path, _asset(new), new)
    assert (tmp_path / "small.bin").read_bytes() == old and not list(tmp_path.glob("*.part"))


def test_two_setups_at_once_leave_one_whole_file(tmp_path):
    from concurrent.futures import ThreadPoolExecutor
    data = os.urandom(4 << 20)
    asset = _asset(data)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: assets._write_checked(tmp_path, asset, data), range(8)))
    assert assets.sha256_of(tmp_path / asset.name) == asset.sha256 and not list(tmp_path.glob("*.part"))
    assets.verify(tmp_path, asset)   # checked again before use: whole


def test_a_file_altered_after_it_was_verified_is_caught_before_use(tmp_path):
    data = b"verified once" * 1000
    asset = _asset(data)
    assets._write_checked(tmp_path, asset, data)
    assets.verify(tmp_path, asset)
    with open(tmp_path / asset.name, "r+b") as f:   # the same size, another byte, a new time
        f.seek(10)
        f.write(b"?")
    with pytest.raises(MissingToolError, match="sha256 does not match"):
        assets.verify(tmp_path, asset)
