"""A build's job: its progress by stage, and the time left guessed from its pace."""

import time

from audioguide.web.jobs import Job


def test_the_time_left_follows_the_pace_once_there_is_one():
    job = Job("1", "t.mp3", lambda report: "t.mp3")
    assert "left_s" not in job.view()                      # queued: no guess
    job.state, job.started = "running", time.monotonic() - 10
    job.report("speech", 0, 10)
    assert "left_s" not in job.view()                      # 2 %: too early to guess
    job.report("mix+encode", 0, 1)                         # 60 % after 10 s: about 6.7 s to go
    assert 6.0 <= job.view()["left_s"] <= 7.5
    job.state = "done"
    assert "left_s" not in job.view()
