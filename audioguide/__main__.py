"""The command's entry point: 'audioguide' and 'python -m audioguide'.

Signals are taken first, before anything else of ours runs, so Ctrl-C (exit 130), SIGTERM (exit 143) and SIGHUP
(exit 129: the terminal closed) end the command cleanly at any moment, start-up included: temporary files are
removed on the way out. One that comes while this module's own lines run (a class being made, run() before its
'try') is held and raised where run() can catch it; a signal the command was started ignoring (nohup, a
background job) stays ignored. Importing this module is starting the command.
"""

try:  # signal's C core, loaded with the interpreter; the signal module takes a millisecond building its enums
    import _signal as signal
except ImportError:  # not CPython
    import signal


def _hold(signum, frame) -> None:
    """A signal while this module's own lines run (or what they call) is held for run(); after that it is raised
    where it lands."""
    while frame is not None and not _STARTED:
        if frame.f_globals is globals():
            _HELD.append(signum)
            return
        frame = frame.f_back
    raise _RAISED.get(signum, KeyboardInterrupt)()


_HELD: list[int] = []
_STARTED = False
_TAKEN = [sig for sig, left in ((signal.SIGINT, signal.default_int_handler), (signal.SIGTERM, signal.SIG_DFL),
                                *([(signal.SIGHUP, signal.SIG_DFL)] if hasattr(signal, "SIGHUP") else []))
          if signal.getsignal(sig) is left]
for _sig in _TAKEN:
    signal.signal(_sig, _hold)

import sys  # noqa: E402  (after the signals are taken: it is loaded already, this only names it)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that every clean-up on the way out runs."""

    exit_code = 143
    said = "Terminated."


class HungUp(Terminated):
    """SIGHUP: the terminal the command ran in was closed. Cleaned up like SIGTERM."""

    exit_code = 129
    said = "Hung up."


_RAISED = {signal.SIGTERM: Terminated, **({signal.SIGHUP: HungUp} if hasattr(signal, "SIGHUP") else {})}


def _take_signals() -> None:
    """From here on a signal is raised where the program is; one held during start-up is raised now."""
    global _STARTED
    _STARTED = True
    for sig in _TAKEN:
        signal.signal(sig, signal.default_int_handler if sig == signal.SIGINT else _hold)
    if _HELD:
        raise _RAISED.get(_HELD[0], KeyboardInterrupt)()


def _say_last(line: str) -> None:
    """The command's last line on stderr; nothing when there is no terminal left to say it on (SIGHUP)."""
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


_SIGNAL_EXITS = {130, *(raised.exit_code for raised in _RAISED.values())}
_INTERRUPTED: list[int] = []   # the exit code of a command a signal ended, once it is known


def _exit_as_said() -> None:
    """The last thing at exit (registered first, run last): a command a signal ended leaves with its own exit
    code. CPython kills itself with SIGINT at exit when a Ctrl-C once escaped code run by exec() (dataclasses
    and namedtuple make their methods so, scipy its modules), even though the command caught it: the process
    would end killed by SIGINT (-2), not with 130."""
    if _INTERRUPTED:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        import os
        os._exit(_INTERRUPTED[0])


def run() -> None:
    import atexit
    atexit.register(_exit_as_said)
    try:
        _take_signals()
        from .cli import main
        main()
    except KeyboardInterrupt as e:  # before the command line took over (during start-up), or after it let go
        _say_last(getattr(e, "said", "Interrupted."))
        _INTERRUPTED.append(getattr(e, "exit_code", 130))
        sys.exit(_INTERRUPTED[0])
    except SystemExit as e:  # the command line's own exit: 130, 143 and 129 say a signal ended it
        if e.code in _SIGNAL_EXITS:
            _INTERRUPTED.append(int(e.code))
        raise
    finally:
        # The command has ended (its exit code stands): a signal while the interpreter tears down (numpy and
        # scipy take a moment) must not turn a finished command into one killed by that signal.
        for sig in _TAKEN:
            signal.signal(sig, signal.SIG_IGN)


if __name__ == "__main__":
    run()
