"""w2a (mrclmr/w2a, internal/config/example.yaml.tmpl): a YAML workout of exercises [{"name", "duration": "30s" |
"2m" | "1m30s", "texts": [...], "half_time": true}], a pause before each ({"text", "duration"}), a half-time
announcement for exercises done on both sides, and texts said before and after (Go templates: their
{{ .Values }} are audioguide's to say, so they are left out). YAML anchors and merge keys (<<: *squats) are
YAML's own: the parser resolves them."""

from __future__ import annotations

import re

from .common import ImportFault, Imported, Workout, said, shown

FORMAT = "w2a"
DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$")


def looks_like(doc: object) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("exercises"), list)


def seconds(text: object, where: str) -> float:
    """A Go duration as w2a writes it ('30s', '2m', '1m30s') in seconds."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    match = DURATION.match(str(text).strip()) if isinstance(text, str) and text.strip() else None
    if not match:
        raise ImportFault(f"{FORMAT} workout: {where}: expected a duration such as '30s', '2m' or '1m30s', found "
                          f"{text!r}")
    hours, minutes, secs = (float(g) if g else 0.0 for g in match.groups())
    return hours * 3600 + minutes * 60 + secs


def convert(doc: dict, hint: str = "") -> Imported:
    workout = Workout(str(doc.get("title") or doc.get("name") or hint or "w2a workout"), FORMAT, hint=hint)
    pause: dict = doc["pause"] if isinstance(doc.get("pause"), dict) else {}
    rest = seconds(pause.get("duration", "0s"), "pause.duration") if pause else 0.0
    for i, exercise in enumerate(doc["exercises"]):
        where = f"exercises[{i}]"
        if not isinstance(exercise, dict):
            raise ImportFault(f"{FORMAT} workout: {where}: expected an exercise (name, duration), found {shown(exercise)}")
        texts = exercise.get("texts") or []
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise ImportFault(f"{FORMAT} workout: {where}.texts: expected a list of texts, found {shown(texts)}")
        if "duration" not in exercise:
            raise ImportFault(f"{FORMAT} workout: {where}.duration: expected a duration such as '30s', found nothing")
        workout.add(exercise.get("name"), seconds(exercise["duration"], f"{where}.duration"), where,
                    texts, sides=bool(exercise.get("half_time")))
        if rest and i:
            workout.rest(rest, "pause.duration")
    for key, target in (("before_workout_announce", workout.intro), ("after_workout_announce", workout.outro)):
        text = doc.get(key)
        if isinstance(text, str) and "{{" in text:
            workout.notes.append(f"{key}: its template values ({{{{ .WorkoutDuration }}}} ...) are left out; "
                                 "audioguide says what it holds itself")
            marked = re.sub(r"\{\{.*?\}\}", "\x00", text)  # the sentences that hold none are kept
            text = " ".join(s for s in re.findall(r"[^.!?]+[.!?]*", marked) if "\x00" not in s)
        if said(text):
            target.append(said(text) or "")
    if pause.get("text"):
        workout.notes.append("pause.text: audioguide announces the next exercise in its own words")
    if isinstance(doc.get("half_time"), dict):
        workout.notes.append("half_time: 'switch sides' is said by audioguide between the sides")
    if "tts" in doc or "audio_format" in doc:
        workout.notes.append("tts, audio_format: audioguide's own voice and MP3 are used")
    return workout.tables()
