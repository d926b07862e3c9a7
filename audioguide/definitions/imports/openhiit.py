"""OpenHIIT (a-mabe/OpenHIIT, lib/core/models/timer_type.dart and timer_time_settings.dart): a timer is
{"name", "activeIntervals", "activities": [names], "restarts", "timeSettings": {"workTime", "restTime",
"breakTime", "warmupTime", "cooldownTime", "getReadyTime"}} in seconds (timeSettings may be a JSON string, as
the app's own export writes it). Each active interval is an exercise held for the work time, the rest time
between them; the timer runs restarts + 1 times; warm-up and cool-down are exercises of their own."""

from __future__ import annotations

import json

from .common import ImportFault, Imported, Workout, shown

FORMAT = "OpenHIIT"


def looks_like(doc: object) -> bool:
    return isinstance(doc, dict) and "timeSettings" in doc


def convert(doc: dict, hint: str = "") -> Imported:
    settings = doc.get("timeSettings")
    if isinstance(settings, str):
        try:
            settings = json.loads(settings)
        except ValueError:
            raise ImportFault(f"{FORMAT} timer: timeSettings: expected JSON, found {settings[:40]!r}") from None
    if not isinstance(settings, dict):
        raise ImportFault(f"{FORMAT} timer: timeSettings: expected a table of times, found {shown(settings)}")
    seconds = {k: settings.get(k, 0) for k in ("workTime", "restTime", "breakTime", "warmupTime", "cooldownTime",
                                               "getReadyTime")}
    for key, value in seconds.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ImportFault(f"{FORMAT} timer: timeSettings.{key}: expected seconds, found {shown(value)}")
    count = doc.get("activeIntervals", 0)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ImportFault(f"{FORMAT} timer: activeIntervals: expected how many work intervals, found {shown(count)}")
    names = doc.get("activities") or []
    if isinstance(names, str):
        names = json.loads(names) if names.startswith("[") else [names]
    workout = Workout(str(doc.get("name") or hint or "Timer"), FORMAT, hint=hint)
    if seconds["warmupTime"]:
        workout.add("Warm-up", seconds["warmupTime"], "timeSettings.warmupTime")
    for i in range(count):
        name = names[i] if i < len(names) and isinstance(names[i], str) and names[i].strip() else f"Interval {i + 1}"
        workout.add(name, seconds["workTime"], f"activities[{i}]")
    if seconds["cooldownTime"]:
        workout.add("Cool-down", seconds["cooldownTime"], "timeSettings.cooldownTime")
    workout.rest(seconds["restTime"], "timeSettings.restTime")
    restarts = doc.get("restarts", 0)
    if isinstance(restarts, int) and not isinstance(restarts, bool) and restarts > 0:
        workout.rounds = restarts + 1
        if seconds["breakTime"]:
            workout.notes.append(f"timeSettings.breakTime: the {seconds['breakTime']} s break between rounds is a "
                                 "rest like the others")
    if seconds["getReadyTime"]:
        workout.notes.append(f"timeSettings.getReadyTime: the {seconds['getReadyTime']} s get-ready countdown is "
                             "the intro instead")
    if seconds["warmupTime"] or seconds["cooldownTime"]:
        if workout.rounds > 1:
            workout.notes.append("the warm-up and cool-down are repeated with each round (audioguide repeats the "
                                 "whole routine)")
    if len(names) > count:
        workout.notes.append(f"activities: {len(names) - count} names beyond the {count} work intervals left out")
    return workout.tables()
