// What the page computes without a browser: clock times, which chapter plays, a session file's link, how a
// build's progress reads, and the part of a kept file a byte range asks for. Tested with node --test.

/** Seconds as mm:ss, or h:mm:ss from an hour on. */
export function clock(seconds) {
  const s = Math.max(0, Math.round(seconds)), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = s % 60;
  const two = (n) => String(n).padStart(2, "0");
  return (h ? two(h) + ":" : "") + two(m) + ":" + two(r);
}

/** The index of the chapter playing at t seconds (a chapter starts 50 ms early, as a seek lands). */
export function chapterAt(chapters, t) {
  let index = 0;
  chapters.forEach((c, i) => { if (t >= c.start_s - 0.05) index = i; });
  return index;
}

/** The chapter to go to from t for a step of +1 or -1: back goes to the start of the chapter playing when it
 * has played more than 3 s, as players do. */
export function jumpTarget(chapters, t, step) {
  const index = chapterAt(chapters, t);
  let target = index + step;
  if (step < 0 && t - chapters[index].start_s > 3) target = index;
  return Math.max(0, Math.min(chapters.length - 1, target));
}

/** A session's file as a link beside the page: its name may hold '#', '?', '%' or spaces. */
export const href = (name) => encodeURIComponent(name);

/** What a build's state says to a person. */
export function progressText(job) {
  const said = { queued: "Queued", running: "Making: " + job.stage, done: "Done", failed: job.error };
  return said[job.state] ?? job.state;
}

/** The [start, end] bytes a Range header asks of a file of size bytes (end included), or null when it cannot
 * be answered (416). */
export function byteRange(range, size) {
  const match = /^bytes=(\d*)-(\d*)$/.exec(String(range).trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  let start = 0, end = size - 1;
  if (match[1] !== "") {
    start = Number(match[1]);
    if (match[2] !== "") end = Math.min(Number(match[2]), size - 1);
  } else {
    if (Number(match[2]) === 0) return null;
    start = Math.max(0, size - Number(match[2]));
  }
  return start >= size || start > end ? null : [start, end];
}

/** The slider's bounds for a routine that fills minMinutes to maxMinutes, in half minutes inside the range,
 * and the value kept within them. */
export function lengthBounds(minMinutes, maxMinutes, value) {
  const min = Math.ceil(minMinutes * 2) / 2, max = Math.floor(maxMinutes * 2) / 2;
  return { min, max, value: Math.min(Math.max(value, min), max) };
}

/** The voices grouped by language, in the order the server lists them (its own voice first, so its language
 * leads); each group named in the reader's language ("American English"), voices without a language "Other". */
export function voiceGroups(voices, locale) {
  let names = null;
  try { names = new Intl.DisplayNames([locale || "en"], { type: "language" }); } catch (error) { names = null; }
  const named = (tag) => {
    if (!tag) return "Other";
    try { return (names && names.of(tag.replace(/_/g, "-"))) || tag; } catch (error) { return tag; }
  };
  const groups = new Map();
  for (const voice of voices) {
    const label = named(voice.language);
    if (!groups.has(label)) groups.set(label, []);
    groups.get(label).push(voice);
  }
  return [...groups].map(([label, list]) => ({ label, voices: list }));
}

/** The address of a voice's short preview (the server renders it once). */
export const previewUrl = (engine, voice) =>
  "api/voices/preview?engine=" + encodeURIComponent(engine) + "&voice=" + encodeURIComponent(voice);

/** What a session of this length leaves out, as the form says it under the length ("" when it keeps every
 * exercise): keeps is the routine's list from the API, one exercise up to all of them. */
export function keptNote(keeps, minutes) {
  if (!keeps || !keeps.length) return "";
  const total = keeps[keeps.length - 1].exercises.length;
  const step = [...keeps].reverse().find((k) => minutes >= k.from_minutes) || keeps[0];
  if (step.exercises.length >= total) return "";
  return `${step.exercises.length} of the ${total} exercises fit: ${step.exercises.join(", ")}. ` +
    `All ${total} from ${keeps[keeps.length - 1].from_minutes} minutes.`;
}

/** The length presets the form offers: only lengths the routine can be made into. */
export const presetsFor = (presets, min, max) => presets.filter((m) => m >= min && m <= max);

/** True once a session has played into its outro (its last chapter when none is called Outro): it counts as done. */
export function reachedOutro(chapters, t) {
  if (!chapters || !chapters.length) return false;
  const outro = chapters.find((c) => c.title === "Outro") || chapters[chapters.length - 1];
  return t >= outro.start_s;
}

/** What the Today card says of the followed program's day (card: GET /api/today). */
export function todayText(card) {
  if (!card.program) return { head: "Start a daily practice", detail: "A few minutes a day, growing week by week." };
  const head = `Day ${card.day} of ${card.days} - ${card.title}`;
  if (card.day < 1) return { head: card.title, detail: `It starts on ${card.start}.` };
  if (card.day > card.days) return { head: card.title, detail: "The program is complete. Well done." };
  if (!card.session) {
    return { head, detail: "A rest day today." + (card.next_date ? ` The next session is on ${card.next_date}.` : "") };
  }
  const what = `${card.session.routine}, ${card.session.minutes} minutes` + needs(card.session.equipment);
  return { head, detail: card.session.done ? `${what}: done today. Well done.` : what };
}

/** The streak as the card says it. */
export const streakText = (days) => days > 0 ? `Streak: ${days} day${days === 1 ? "" : "s"}` : "No streak yet: today is a good day to start.";

/** What a routine needs, as a sentence after its name ("" when nothing). */
export const needs = (equipment) => equipment && equipment.length ? `. You need: ${equipment.join(", ")}` : "";

/** What the floor player shows at t seconds: the chapter playing, the time left in it and in the session, and
 * what comes next ("" at the last chapter). */
export function nowPlaying(chapters, t, duration_s) {
  const index = chapterAt(chapters, t);
  const chapter = chapters[index] || { title: "", end_s: duration_s };
  return { index, title: chapter.title, chapterLeft: Math.max(0, (chapter.end_s ?? duration_s) - t),
           sessionLeft: Math.max(0, duration_s - t), next: chapters[index + 1] ? chapters[index + 1].title : "" };
}
