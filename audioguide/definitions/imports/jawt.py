"""Just Another Workout Timer (blockbasti/just_another_workout_timer, lib/utils/workout.dart): a workout is
{"title", "version", "sets": [{"repetitions", "name"?, "exercises": [{"name", "duration"}]}]} in seconds; a
backup is {"workouts": [workout, ...]}. A set's repetitions repeat its exercises; JAWT has no rests of its own
(people add an exercise named "Rest" or "Pause"), so those become audioguide's rests."""

from __future__ import annotations

from .common import ImportFault, Imported, Workout, shown

FORMAT = "Just Another Workout Timer"
RESTS = {"rest", "pause", "break", "pausa", "repos", "descanso"}


def looks_like(doc: object) -> bool:
    return isinstance(doc, dict) and (isinstance(doc.get("sets"), list) or isinstance(doc.get("workouts"), list))


def convert(doc: dict, hint: str = "") -> Imported:
    if isinstance(doc.get("workouts"), list):
        found = [_workout(w, f"workouts[{i}]", hint) for i, w in enumerate(doc["workouts"])]
        if not found:
            raise ImportFault(f"{FORMAT} backup: workouts: expected at least one workout, found none")
        first = found[0]
        tables: dict[str, dict] = {"exercises": {}, "routines": {}}
        for one in found:
            tables["exercises"].update(one.tables["exercises"])
            tables["routines"].update(one.tables["routines"])
        notes = [n for one in found for n in one.notes]
        return Imported(FORMAT, first.routine_id, tables, notes + [f"a backup of {len(found)} workouts: each is a routine"])
    return _workout(doc, "", hint)


def _workout(doc: object, where: str, hint: str) -> Imported:
    at = (where + ".") if where else ""
    if not isinstance(doc, dict) or not isinstance(doc.get("sets"), list):
        raise ImportFault(f"{FORMAT} workout: {at}sets: expected a list of sets, found {_kind(doc, 'sets')}")
    workout = Workout(str(doc.get("title") or hint or "Workout"), FORMAT, hint=hint)
    sets = doc["sets"]
    single = len(sets) == 1
    for s, one in enumerate(sets):
        key = f"{at}sets[{s}]"
        if not isinstance(one, dict) or not isinstance(one.get("exercises"), list):
            raise ImportFault(f"{FORMAT} workout: {key}.exercises: expected a list, found {_kind(one, 'exercises')}")
        repetitions = one.get("repetitions", 1)
        if isinstance(repetitions, bool) or not isinstance(repetitions, int) or repetitions < 1:
            raise ImportFault(f"{FORMAT} workout: {key}.repetitions: expected a whole number from 1, found {shown(repetitions)}")
        if single:
            workout.rounds = repetitions
        for _ in range(1 if single else repetitions):
            for e, exercise in enumerate(one["exercises"]):
                where_e = f"{key}.exercises[{e}]"
                if not isinstance(exercise, dict):
                    raise ImportFault(f"{FORMAT} workout: {where_e}: expected an exercise, found {shown(exercise)}")
                name, seconds = exercise.get("name"), exercise.get("duration", 30)
                if isinstance(name, str) and name.strip().lower() in RESTS:
                    workout.rest(seconds, where_e)
                else:
                    workout.add(name, seconds, where_e)
        if not single and repetitions > 1:
            workout.notes.append(f"{key}: repeated {repetitions} times in a row, as JAWT does")
    return workout.tables()


def _kind(doc: object, key: str) -> str:
    if not isinstance(doc, dict):
        return type(doc).__name__
    return "nothing" if key not in doc else repr(doc[key])[:40]
