import pytest

from audioguide import times
from audioguide.errors import LengthError


@pytest.mark.parametrize("text, seconds", [("10", 600), ("12.5", 750), ("12m30s", 750), ("45s", 45),
                                           ("1h5m", 3900), (" 3m ", 180)])
def test_parse_length(text, seconds):
    assert times.parse_length(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "-3", "0", "12x", "nan", "5h"])
def test_parse_length_refuses(text):
    with pytest.raises(LengthError, match="length: "):
        times.parse_length(text)


@pytest.mark.parametrize("seconds, places, hours, text", [
    (98.6, 0, False, "01:39"),          # rounded, never truncated: the chapter list and the feed agree
    (98.4, 0, False, "01:38"),
    (59.6, 0, False, "01:00"),
    (98.5, 3, False, "01:38.500"),
    (0.0004, 3, True, "00:00:00.000"),
    (3599.9996, 3, True, "01:00:00.000"),  # the carry reaches the hours
    (3725, 0, False, "01:02:05"),       # hours appear when needed
    (65.25, 1, False, "01:05.2"),
])
def test_clock(seconds, places, hours, text):
    assert times.clock(seconds, places, hours) == text


@pytest.mark.parametrize("seconds, label, spoken", [(600, "10m", "10 minutes"), (60, "1m", "1 minute"),
                                                    (750, "12m30s", "12 min 30 s"), (3900, "1h05m", "1 h 5 min")])
def test_label_and_spoken(seconds, label, spoken):
    assert times.label(seconds) == label and times.spoken(seconds) == spoken


def test_minutes_rounds_bounds_outwards():
    assert times.minutes(4.81 * 60, "up") == "4.9" and times.minutes(4.81 * 60, "down") == "4.8"
    assert times.minutes(4.8 * 60, "up") == "4.8" and times.minutes(90) == "1.5"
