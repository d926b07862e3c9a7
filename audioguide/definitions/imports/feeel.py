"""Feeel (EnjoyingFOSS/feeel, lib/db/workout_import_export.dart, lib/models/feeel_workout_json.dart and
full_workout.dart): a .feeel file is {"feeelMetadataVersion", "exerciseDbImport", "fullWorkout": {"workout":
{"title", "countdownDuration", "exerciseDuration", "breakDuration", ...}, "workoutExercises": [{"orderPosition",
"exercise", "exerciseDuration"?, "breakDuration"?}]}} in seconds. An exercise is named only by its id in
Feeel's exercise database (wger's ids): the exercises Feeel ships are named here; others keep their id."""

from __future__ import annotations

from .common import ImportFault, Imported, Workout, shown

FORMAT = "Feeel"
# Feeel's bundled exercises by id (lib/db/bundled_exercises.dart), named as a coach would say them
NAMES = {
    320: "Jumping jacks", 718: "Wall sit", 482: "Push-ups", 167: "Crunches", 981: "Step-ups", 615: "Squats",
    -7: "Chair dips", 458: "Forearm plank", 983: "High knees", 984: "Lunges", 985: "Push-ups with rotation",
    580: "Side plank, left", 1019: "Side plank, right", 986: "Side split squats, left",
    987: "Side split squats, right", 988: "Bulgarian split squats, left", 989: "Bulgarian split squats, right",
    456: "Pistol squats, left", 1020: "Pistol squats, right", 990: "Kneeling kickbacks", 702: "Calf raises, left",
    1021: "Calf raises, right", 991: "Split squats, left", 992: "Split squats, right", 993: "Jump rope",
    994: "Arm circles forward", 995: "Arm circles backward", 454: "Pike push-ups", 996: "Mountain climbers",
    997: "Four-count burpees", 998: "Burpees without a push-up", 616: "Squat thrusts", 999: "Reverse lunges",
    377: "Leg raises", 1000: "Floor dips", 1001: "High plank", 1002: "Child's pose", 475: "Pull-ups",
    1003: "Kettlebell deadlift", 632: "Sumo squat", 1004: "Shoulder rotations forward",
    1005: "Shoulder rotations backward", 570: "Shoulder shrugs", 1006: "Chin tucks", 1007: "Head turns",
    1010: "Back of the neck stretch", 1008: "Side neck stretch, left", 1009: "Side neck stretch, right",
    1011: "Front of the neck stretch", 1012: "Alternating biceps curls", 1013: "Levator scapulae stretch, left",
    1014: "Levator scapulae stretch, right", 1015: "Neck circles clockwise", 1016: "Neck circles counterclockwise",
    1017: "Neck half circles", 1018: "Head tilts", 1028: "Quadruped thoracic rotation, left",
    1029: "Quadruped thoracic rotation, right", 1081: "Shoulder dislocates",
    1082: "Bent-over row to external rotation", 1083: "Y W T raises",
}


def looks_like(doc: object) -> bool:
    return isinstance(doc, dict) and "fullWorkout" in doc


def convert(doc: dict, hint: str = "") -> Imported:
    full = doc.get("fullWorkout")
    if not isinstance(full, dict) or not isinstance(full.get("workout"), dict):
        raise ImportFault(f"{FORMAT} workout: fullWorkout.workout: expected the workout's table, found "
                          f"{type(full.get('workout') if isinstance(full, dict) else full).__name__}")
    head = full["workout"]
    listed = full.get("workoutExercises")
    if not isinstance(listed, list):
        raise ImportFault(f"{FORMAT} workout: fullWorkout.workoutExercises: expected a list, found {shown(listed)}")
    workout = Workout(str(head.get("title") or hint or "Feeel workout"), FORMAT, hint=hint)
    default_s, rest_s = head.get("exerciseDuration", 30), head.get("breakDuration", 10)
    unnamed = []
    ordered = sorted(enumerate(listed), key=lambda p: p[1].get("orderPosition", p[0]) if isinstance(p[1], dict) else p[0])
    for n, (i, entry) in enumerate(ordered):
        where = f"fullWorkout.workoutExercises[{i}]"
        if not isinstance(entry, dict) or isinstance(entry.get("exercise"), bool) \
                or not isinstance(entry.get("exercise"), int):
            raise ImportFault(f"{FORMAT} workout: {where}.exercise: expected an exercise's id, found "
                              f"{entry.get('exercise') if isinstance(entry, dict) else entry!r}")
        exercise = entry["exercise"]
        if exercise not in NAMES:
            unnamed.append(exercise)
        seconds = entry.get("exerciseDuration")
        workout.add(NAMES.get(exercise, f"Feeel exercise {exercise}"), default_s if seconds is None else seconds, where,
                    field="exerciseDuration")
        if n:  # Feeel rests before each exercise but the first
            rest = entry.get("breakDuration")
            workout.rest(rest_s if rest is None else rest, where + ".breakDuration")
    if unnamed:
        workout.notes.append(f"exercises {', '.join(map(str, unnamed))} are named only in Feeel's exercise database: "
                             "called 'Feeel exercise N'; give them their names in the editor")
    if head.get("countdownDuration"):
        workout.notes.append(f"countdownDuration: the {head['countdownDuration']} s countdown is the intro instead")
    if head.get("translationJson"):
        workout.notes.append("translationJson: the title's translations are left out")
    return workout.tables()
