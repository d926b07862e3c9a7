"""Builds asked for through the API: a bounded queue, one build at a time, each job's state to poll."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import AudioguideError

QUEUE_SIZE = 8
KEPT_JOBS = 200   # finished jobs remembered for polling
# each stage's share of the progress bar
STAGES = {"definitions": (0.0, 0.0), "planning": (0.0, 0.02), "speech": (0.02, 0.6), "mix+encode": (0.6, 1.0)}


class QueueFull(Exception):
    """More builds asked for than the queue holds."""


class AlreadyAsked(Exception):
    """The same session is queued or being built already."""


class Stopped(BaseException):
    """The server is stopping: the build running in its thread ends at its next progress report, cleaning up
    as it unwinds (a thread cannot be interrupted otherwise, and the server would wait for the whole build).
    Not an Exception, so that nothing on the way converts it into a build error."""


@dataclass
class Job:
    """One build: what was asked, and how far it has come."""

    id: str
    target: str                     # the file it will make: the same target is never queued twice
    run: Callable[[Callable[[str, int, int], None]], str]   # does the build with a progress callback; the file
    state: str = "queued"           # queued, running, done, failed
    stage: str = ""
    progress: float = 0.0
    file: str | None = None
    error: str | None = None
    created: float = field(default_factory=time.time)
    started: float | None = None    # when it began running (time.monotonic)

    def report(self, stage: str, done: int, total: int) -> None:
        low, high = STAGES.get(stage, (0.0, 1.0))
        self.stage = stage
        self.progress = round(low + (high - low) * (done / total if total else 1.0), 3)

    def left_s(self) -> float | None:
        """The time left, guessed from the pace so far once there is a pace to go by (None before)."""
        if self.state != "running" or self.started is None or self.progress < 0.05:
            return None
        spent = time.monotonic() - self.started
        return round(spent * (1 - self.progress) / self.progress, 1)

    def view(self) -> dict:
        out = {"id": self.id, "state": self.state, "stage": self.stage, "progress": self.progress}
        left = self.left_s()
        if left is not None:
            out["left_s"] = left
        if self.file:
            out["file"] = self.file
        if self.error:
            out["error"] = self.error
        return out


class Builds:
    """The queue and the worker that empties it, one build at a time, each in a thread (the build itself spawns
    its speech workers), so the server answers while it runs."""

    def __init__(self, size: int = QUEUE_SIZE):
        self.size = size
        self.jobs: dict[str, Job] = {}
        self.queue: asyncio.Queue[Job] = asyncio.Queue()  # made again in start(), in the server's loop
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.worker: asyncio.Task | None = None
        self.stopping = threading.Event()

    def start(self) -> None:
        self.queue = asyncio.Queue()
        self.worker = asyncio.create_task(self._work())

    async def stop(self) -> None:
        self.stopping.set()
        if self.worker:
            self.worker.cancel()

    def waiting(self) -> list[Job]:
        return [j for j in self.jobs.values() if j.state in ("queued", "running")]

    def submit(self, target: str, run: Callable) -> Job:
        with self.lock:
            if any(j.target == target for j in self.waiting()):
                raise AlreadyAsked(target)
            if len([j for j in self.waiting() if j.state == "queued"]) >= self.size:
                raise QueueFull()
            job = Job(f"b{next(self.ids)}", target, run)
            self.jobs[job.id] = job
            self._forget_old()
        self.queue.put_nowait(job)
        return job

    def _forget_old(self) -> None:
        done = [j for j in self.jobs.values() if j.state in ("done", "failed")]
        for job in sorted(done, key=lambda j: j.created)[:max(0, len(done) - KEPT_JOBS)]:
            del self.jobs[job.id]

    async def _work(self) -> None:
        while True:
            job = await self.queue.get()
            job.state, job.started = "running", time.monotonic()

            def report(stage: str, done: int, total: int, job: Job = job) -> None:
                if self.stopping.is_set():
                    raise Stopped()
                job.report(stage, done, total)
            try:
                job.file = await asyncio.to_thread(job.run, report)
                job.progress, job.state = 1.0, "done"
            except AudioguideError as e:
                job.error, job.state = str(e).splitlines()[0], "failed"
            except Exception as e:  # a bug: the job fails, the server goes on
                job.error, job.state = f"internal error: {type(e).__name__}: {e}", "failed"

