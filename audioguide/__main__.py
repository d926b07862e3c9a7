"""The command's entry point: 'audioguide' and 'python -m audioguide'.

Signals are taken first, before anything heavy is imported, so Ctrl-C (exit 130), SIGTERM (exit 143) and SIGHUP
(exit 129: the terminal closed) end the command cleanly at any moment, start-up included: temporary files are
removed on the way out.
"""

from __future__ import annotations

import sys

try:  # signal's C core, loaded with the interpreter; the signal module takes a millisecond building its enums
    import _signal as signal
except ImportError:  # not CPython
    import signal


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that every clean-up on the way out runs."""

    exit_code = 143
    said = "Terminated."


class HungUp(Terminated):
    """SIGHUP: the terminal the command ran in was closed. Cleaned up like SIGTERM."""

    exit_code = 129
    said = "Hung up."


_RAISED = {signal.SIGTERM: Terminated, **({signal.SIGHUP: HungUp} if hasattr(signal, "SIGHUP") else {})}


def _terminate(signum, frame) -> None:
    raise _RAISED[signum]()


def _say_last(line: str) -> None:
    """The command's last line on stderr; nothing when there is no terminal left to say it on (SIGHUP)."""
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def run() -> None:
    for sig in _RAISED:
        signal.signal(sig, _terminate)
    try:
        from .cli import main
        main()
    except KeyboardInterrupt as e:  # before the command line took over (during start-up), or after it let go
        _say_last(getattr(e, "said", "Interrupted."))
        sys.exit(getattr(e, "exit_code", 130))
    finally:
        # The command has ended (its exit code stands): a signal while the interpreter tears down (numpy and
        # scipy take a moment) must not turn a finished command into one killed by that signal.
        for sig in (signal.SIGINT, *_RAISED):
            signal.signal(sig, signal.SIG_IGN)


if __name__ == "__main__":
    run()
