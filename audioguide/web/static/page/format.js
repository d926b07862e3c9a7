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

const STAGE_WORDS = { definitions: "Reading the routine", planning: "Planning the session",
                      speech: "Recording the voice", "mix+encode": "Mixing and saving the MP3" };

/** What a build's state says to a person: the stage in words and, once the server can guess it, the time left. */
export function progressText(job) {
  if (job.state !== "running") return { queued: "Waiting to start", done: "Done",
                                         failed: job.error }[job.state] ?? job.state;
  const left = job.left_s == null ? "" : job.left_s < 5 ? " · almost done" : ` · about ${clock(job.left_s)} left`;
  return (STAGE_WORDS[job.stage] || "Making the session") + left;
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
  if (card.session.done) return { head, detail: `${what}: done today. Well done.` };
  return { head, detail: what, grew: card.session.grew || "" };
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

/** The month of the ISO date today as weeks from Monday: each cell null (outside the month) or { day, date,
 * done, today }, done when the log holds an entry that date (done: ISO dates). */
export function monthGrid(today, done) {
  const [year, month] = today.split("-").map(Number);
  const first = new Date(Date.UTC(year, month - 1, 1));
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const marked = new Set(done);
  const cells = Array((first.getUTCDay() + 6) % 7).fill(null);
  for (let day = 1; day <= days; day++) {
    const date = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
    cells.push({ day, date, done: marked.has(date), today: date === today });
  }
  while (cells.length % 7) cells.push(null);
  return Array.from({ length: cells.length / 7 }, (_, i) => cells.slice(7 * i, 7 * i + 7));
}

/** Today's date where the phone is, as YYYY-MM-DD (toISOString would give the UTC date). */
export function localDate(now = new Date()) {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
}

/** The program's day on the date today for a program started on start (ISO dates): day 1 is the start. */
export function programDay(start, today) {
  return Math.round((Date.parse(today + "T12:00Z") - Date.parse(start + "T12:00Z")) / 86400000) + 1;
}

/** What the form says of day of a program started on start that has sessions on weekdays (0 is Monday):
 * "" on a session day, else that it rests and which day is the next session. */
export function restDayNote(start, day, weekdays, days) {
  const weekday = (n) => (new Date(Date.parse(start + "T12:00Z") + (n - 1) * 86400000).getUTCDay() + 6) % 7;
  if (!start || !(day >= 1) || weekdays.includes(weekday(day))) return "";
  let next = day + 1;
  while (next <= days && !weekdays.includes(weekday(next))) next++;
  return `Day ${day} is a rest day.` + (next <= days ? ` The next session is day ${next}.` : "");
}

/** A file's size as a person reads it: "840 kB", "9.4 MB". */
export function sizeText(bytes) {
  if (bytes < 1e6) return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

/** What a session's card says it was made with ("" for a session that does not say). */
export function madeWith(session) {
  const said = [];
  if (session.voice) said.push("Voice: " + session.voice);
  if (session.voice || session.music) said.push(session.music ? "Music: " + session.music : "No music");
  return said.join(" · ");
}

/** The voices that can speak a language (tag: "es", "pt-BR"): theirs by the primary subtag; the tone stand-in
 * speaks none and any. */
export const speakers = (voices, tag) => {
  const primary = (t) => String(t || "").toLowerCase().replace("_", "-").split("-")[0];
  return voices.filter((v) => v.engine === "tone" || primary(v.language) === primary(tag));
};
