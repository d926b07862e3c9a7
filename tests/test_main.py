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


# Start the entry point with a signal sent at each line of its own module body (a tracer sends it as the line
# starts), as a Ctrl-C or a kill lands at that moment of start-up, then call run() as the console script does.
SIGNAL_AT_LINE = """
import os, signal, sys
import audioguide.cli

ran = []
audioguide.cli.main = lambda: ran.append(1)
LINE, SIG = int(sys.argv[1]), getattr(signal, sys.argv[2])

def tracer(frame, event, arg):
    if frame.f_code.co_filename.endswith(os.path.join("audioguide", "__main__.py")):
        if event == "line" and frame.f_lineno == LINE and frame.f_code.co_name == "<module>":
            sys.settrace(None)
            os.kill(os.getpid(), SIG)
        return tracer
    return None

sys.settrace(tracer)
from audioguide import __main__ as entry
sys.settrace(None)
try:
    entry.run()
finally:
    print("ran" if ran else "not run", file=sys.stderr)
"""


def _lines_after_the_signals_are_taken():
    """The first line of each statement of the entry module's body that runs after its signal handlers are set."""
    import ast
    from audioguide import __main__ as entry
    source = open(entry.__file__).read()
    taken = next(n for n, text in enumerate(source.splitlines(), 1) if text.startswith("for _sig in _TAKEN"))
    return [node.lineno for node in ast.parse(source).body if node.lineno > taken]


def test_a_signal_during_the_entry_points_own_start_up_ends_the_command_cleanly(tmp_path):
    """A signal landing while the entry module's own lines run (seen in CI: Ctrl-C while a class was made gave a
    traceback and -2) is held and ends the command as at any other moment, and the command does not run."""
    (tmp_path / "signal_at_line.py").write_text(SIGNAL_AT_LINE)
    lines = _lines_after_the_signals_are_taken()
    assert len(lines) >= 5
    for sig, code, said in (("SIGINT", 130, "Interrupted."), ("SIGTERM", 143, "Terminated.")):
        for line in lines:
            done = subprocess.run([sys.executable, "signal_at_line.py", str(line), sig], cwd=tmp_path,
                                  capture_output=True, text=True, timeout=60)
            assert (done.returncode, done.stderr) == (code, f"{said}\nnot run\n"), (sig, line)


def test_a_signal_the_command_was_started_ignoring_stays_ignored(tmp_path):
    """nohup and background jobs start a command ignoring SIGHUP or SIGINT: audioguide keeps it ignored."""
    script = ("import signal, os, sys\nimport audioguide.cli\n"
              "def main():\n    os.kill(os.getpid(), signal.SIGHUP)\n    os.kill(os.getpid(), signal.SIGINT)\n"
              "    print('still here', file=sys.stderr)\n"
              "audioguide.cli.main = main\nfrom audioguide import __main__ as entry\nentry.run()\n")
    (tmp_path / "ignoring.py").write_text(script)
    ignoring = "import signal, sys, runpy; signal.signal(signal.SIGHUP, signal.SIG_IGN); " \
               "signal.signal(signal.SIGINT, signal.SIG_IGN); sys.argv = ['ignoring.py']; " \
               "runpy.run_path('ignoring.py', run_name='__main__')"
    done = subprocess.run([sys.executable, "-c", ignoring], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stderr) == (0, "still here\n")
