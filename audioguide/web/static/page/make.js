// Making a session: the form (a routine and its length, or a program's day; voice; music), the build's
// progress polled from the server, and the new session played when it is done.
import { call, get, token } from "./api.js";
import { POLL_MS } from "./constants.js";
import { el, byId } from "./dom.js";
import { keptNote, lengthBounds, localDate, needs, presetsFor, previewUrl, programDay, progressText, restDayNote,
         speakers, voiceGroups } from "./format.js";
import { reaches, whenReachChanges } from "./reach.js";

const SLIDER_MAX_MINUTES = 60;  // longer sessions (up to four hours) from the command line

/** made(file) is called with the new session's file once it is built. */
export async function makeForm(made) {
  const form = byId("make-form"), what = byId("what"), minutes = byId("minutes");
  const shown = byId("minutes-shown"), status = byId("build-stage");
  const bar = byId("build-progress"), submit = byId("make-button");
  if (!token()) byId("no-token").hidden = false;  // said at once: the lists below take a moment
  const [routines, programs, voices, music] = await Promise.all(
    ["api/routines", "api/programs", "api/voices", "api/music"].map(get));
  const options = [];
  const keeps = {}, equipment = {}, plans = {}, spoken = {};
  routines.routines.forEach((r) => {
    keeps[r.id] = r.keeps;
    equipment[r.id] = r.equipment;
    spoken[r.id] = r.languages || [];
    options.push(el("option", { value: "routine:" + r.id, dataset: {
      min: r.shortest_minutes, max: Math.min(r.longest_minutes, SLIDER_MAX_MINUTES) } }, r.title));
  });
  programs.programs.forEach((p) => { plans[p.id] = p; });
  programs.programs.forEach((p) => options.push(el("option", { value: "program:" + p.id }, p.title + " (a day of it)")));
  what.replaceChildren(...options);
  const tongue = byId("language");
  const chooseLanguage = () => {  // the routine's languages; the voices that speak the one chosen
    const [kind, id] = what.value.split(/:(.*)/s);
    const offered = kind === "routine" ? spoken[id] || [] : [];
    const before = tongue.value;
    tongue.replaceChildren(...offered.map((l) => el("option", { value: l.tag }, l.name)));
    if (offered.some((l) => l.tag === before)) tongue.value = before;
    byId("language-row").hidden = offered.length < 2;
    voicePicker(speakers(voices.voices, tongue.value || "en"));
  };
  tongue.addEventListener("change", () => voicePicker(speakers(voices.voices, tongue.value || "en")));
  byId("music").replaceChildren(el("option", { value: "" }, "No music"), ...music.music.map((m) => el("option", { value: m }, m)));
  const presets = [...document.querySelectorAll(".presets button")];
  const shownLength = () => {
    shown.textContent = minutes.value;
    const [kind, id] = what.value.split(/:(.*)/s);
    byId("kept").textContent = kind === "routine" ? keptNote(keeps[id], Number(minutes.value)) : "";
    byId("needs").textContent = kind === "routine" ? needs(equipment[id]).replace(/^\. /, "") : "";
  };
  const dayField = byId("day"), startField = byId("start"), restNote = byId("rest-day");
  const checkDay = () => {
    const [kind, id] = what.value.split(/:(.*)/s);
    const plan = plans[id];
    restNote.textContent = kind === "program" && plan
      ? restDayNote(startField.value, Number(dayField.value), plan.weekdays, plan.days) : "";
    const why = !reaches() ? "Making needs the server, which cannot be reached now."
      : restNote.textContent ? "Pick a session day to make it." : "";
    byId("make-why").textContent = token() ? why : "";
    submit.disabled = !token() || Boolean(why) || building;
  };
  let building = false;
  whenReachChanges(checkDay);
  const sync = () => {
    const chosen = what.selectedOptions[0];
    const program = what.value.startsWith("program:");
    byId("program-day").hidden = !program;
    byId("length").hidden = program;
    if (program) {  // the program's own start (followed, or the config file's), and its day today
      const plan = plans[what.value.slice("program:".length)];
      startField.value = plan.start || localDate();
      dayField.max = plan.days;
      dayField.value = Math.min(Math.max(programDay(startField.value, localDate()), 1), plan.days);
    }
    if (!program && chosen) {
      const bounds = lengthBounds(Number(chosen.dataset.min), Number(chosen.dataset.max), Number(minutes.value));
      minutes.min = bounds.min;
      minutes.max = bounds.max;
      minutes.value = bounds.value;
      const offered = presetsFor(presets.map((b) => Number(b.dataset.minutes)), Number(chosen.dataset.min),
                                 Number(chosen.dataset.max));
      presets.forEach((b) => { b.hidden = !offered.includes(Number(b.dataset.minutes)); });
    }
    shownLength();
    checkDay();
  };
  what.addEventListener("change", () => { chooseLanguage(); sync(); });
  dayField.addEventListener("input", checkDay);
  startField.addEventListener("input", () => {
    dayField.value = Math.min(Math.max(programDay(startField.value, localDate()), 1), Number(dayField.max) || 1);
    checkDay();
  });
  minutes.addEventListener("input", shownLength);
  presets.forEach((b) => b.addEventListener("click", () => { minutes.value = b.dataset.minutes; shownLength(); }));
  startField.value = localDate();
  chooseLanguage();
  sync();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const [kind, id] = what.value.split(/:(.*)/s);
    const [engine, voice] = byId("voice").value.split(/:(.*)/s);
    const body = kind === "program"
      ? { program: id, day: Number(byId("day").value), start: byId("start").value }
      : { routine: id, minutes: Number(minutes.value) };
    Object.assign(body, { engine, voice });
    if (kind === "routine" && tongue.value && tongue.value !== "en") body.language = tongue.value;
    if (byId("music").value) body.music = byId("music").value;
    building = true;
    submit.disabled = true;
    byId("build").hidden = false;
    bar.value = 0;
    status.textContent = progressText({ state: "queued" });
    status.classList.remove("error");
    try {
      const job = await call("POST", "api/builds", body);
      const done = await watch(job.id, bar, status);
      await made(done.file);
    } catch (error) {
      status.textContent = error.message;
      status.classList.add("error");
    } finally {
      building = false;
      checkDay();
    }
  });
}

let previewing = false;

/** The voice picker: voices grouped by language, and a button that plays the one chosen saying a cue. */
function voicePicker(voices) {
  const picker = byId("voice"), button = byId("voice-preview"), sample = byId("voice-sample");
  picker.replaceChildren(...voiceGroups(voices, navigator.language).map((group) => el("optgroup",
    { label: group.label }, group.voices.map((v) => el("option", { value: v.engine + ":" + v.voice }, v.label)))));
  if (previewing) return;
  previewing = true;
  button.addEventListener("click", async () => {
    const [engine, voice] = picker.value.split(/:(.*)/s);
    sample.textContent = "Preparing the sample...";
    button.disabled = true;
    const player = byId("voice-player");
    player.src = previewUrl(engine, voice);
    try {
      await player.play();
      sample.textContent = "";
    } catch (error) {
      sample.textContent = "This voice cannot be played here: " + (error.message || error.name);
    } finally {
      button.disabled = false;
    }
  });
}

/** Follows build id to its end: the bar and status show its progress; resolves with the job when done. */
export function watch(id, bar, status) {
  return new Promise((resolve, reject) => {
    const tick = async () => {
      try {
        const job = await get("api/builds/" + id);
        bar.value = job.progress;
        status.textContent = progressText(job);
        if (job.state === "done") return resolve(job);
        if (job.state === "failed") return reject(new Error(job.error));
        setTimeout(tick, POLL_MS);
      } catch (error) { reject(error); }
    };
    tick();
  });
}
