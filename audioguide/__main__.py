"""The command's entry point: 'audioguide' and 'python -m audioguide'.

Signals are taken first, before anything heavy is imported, so Ctrl-C (exit 130) and SIGTERM (exit 143) end
the command cleanly at any moment, start-up included: temporary files are removed on the way out.
"""

from __future__ import annotations

import sys

try:  # signal's C core, loaded with the interpreter; the signal module takes a millisecond building its enums
    import _signal as signal
except ImportError:  # not CPython
    import signal


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that every clean-up on the way out runs."""


def _terminate(signum, frame) -> None:
    raise Terminated()


def run() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    try:
        from .cli import main
        main()
    except Terminated:  # before the command line took over (during start-up), or after it let go
        print("Terminated.", file=sys.stderr)
        sys.exit(143)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        sys.exit(130)
    finally:
        # The command has ended (its exit code stands): a signal while the interpreter tears down (numpy and
        # scipy take a moment) must not turn a finished command into one killed by that signal.
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)


if __name__ == "__main__":
    run()
