"""The entry point (audioguide/__main__.py): a command a signal ended leaves with its own exit code."""

import subprocess
import sys

# A command line that, like any, runs code made by exec() from a string (dataclasses and namedtuple make their
# methods so, scipy its modules) and meets Ctrl-C in it: the command catches it and says so, exit 130.
CAUGHT_IN_EXEC = """
import sys
import audioguide.cli
from audioguide import __main__ as entry

def main():
    try:
        exec("raise KeyboardInterrupt")
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        sys.exit(130)

audioguide.cli.main = main
entry.run()
"""


def test_a_ctrl_c_that_escaped_exec_code_and_was_caught_still_exits_130(tmp_path):
    """Under `python -m`, CPython kills itself with SIGINT at exit (-2) once a KeyboardInterrupt has escaped code
    exec() ran from a string, even if the program caught it: seen as a build stopped by Ctrl-C ending -2."""
    (tmp_path / "caught_in_exec.py").write_text(CAUGHT_IN_EXEC)
    done = subprocess.run([sys.executable, "-m", "caught_in_exec"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stderr) == (130, "Interrupted.\n")
