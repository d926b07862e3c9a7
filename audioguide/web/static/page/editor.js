// The editor: a routine of one's own written with the thumbs (its exercises, phases, holds and reps, its items
// in order), checked by the server with the words the command line uses (shown at the field), previewed at a
// length, saved as a file of the user's folder, made and played; built-ins copied before they change; a routine
// shared as a link (the routine in the fragment) and other apps' files imported.
import { token } from "./api.js";
import { el, byId } from "./dom.js";
import { watch } from "./make.js";
import { copyExercise, freeId, getAt, keyOf, lines, newExercise, newRoutine, numberOf, packShare, placeErrors,
         renamed, setAt, unpackShare } from "./routine.js";

let state = null;   // { id, tables, version, saved, library: [{id, title, table}], used: {id: table} }
let playMade = () => {};

async function send(method, path, body, headers = {}) {
  const response = await fetch(path, { method, headers: { "Authorization": "Bearer " + (token() || ""),
    "Content-Type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  let answer = {};
  try { answer = await response.json(); } catch (error) { answer = {}; }
  return { status: response.status, answer };
}

/** made(file) plays a session once it is built. */
export async function editorCard(made) {
  playMade = made;
  await listMine();
  byId("editor-new").addEventListener("click", () => open(newRoutine(freeId("my-routine", mineIds())), "", false));
  byId("editor-copy").addEventListener("click", () => copyBuiltIn(byId("editor-builtin").value));
  byId("editor-import").addEventListener("change", (event) => importFile(event.target.files[0]));
  byId("editor").hidden = false;  // shown once its buttons work
  addEventListener("hashchange", openShared);  // a link opened while the page is open already
  await openShared();
}

/** A routine shared as a link (#import=...): opened in the editor, to be saved. */
async function openShared() {
  if (!location.hash.startsWith("#import=")) return;
  const packed = location.hash.slice("#import=".length);
  history.replaceState(null, "", location.pathname + location.search);
  try {
    await open(await unpackShare(packed), "", false);
    say("Opened from a shared link: check it, then save it to keep it.");
  } catch (error) { say(error.message, true); }
}

let mine = [];
const mineIds = () => mine.map((m) => m.id);

async function listMine() {
  const [files, routines] = await Promise.all([fetch("api/definitions").then((r) => r.json()),
                                               fetch("api/routines").then((r) => r.json())]);
  mine = files.files.flatMap((f) => (f.routines || []).map((id) => ({ id, file: f.file })));
  byId("editor-builtin").replaceChildren(...routines.routines.filter((r) => !mineIds().includes(r.id))
    .map((r) => el("option", { value: r.id }, r.title)));
  byId("editor-mine").replaceChildren(...(mine.length ? mine.map((m) => el("li", {},
    el("button", { type: "button", class: "edit", on: { click: () => edit(m.id) } }, "Edit " + m.id),
    el("span", { class: "note" }, " " + m.file))) : [el("li", { class: "note" }, "None yet.")]));
}

async function edit(id) {
  const found = await fetch("api/routines/" + encodeURIComponent(id) + "/source").then((r) => r.json());
  await open(found.tables, found.editable ? found.version : "", found.editable, found.used);
}

async function copyBuiltIn(id) {
  const found = await fetch("api/routines/" + encodeURIComponent(id) + "/source").then((r) => r.json());
  const copyId = freeId(id + "-mine", mineIds());
  const tables = renamed(found.tables, id, copyId);
  tables.routines[copyId].title = (tables.routines[copyId].title || id) + " (mine)";
  await open(tables, "", false, found.used);
  say(`A copy of ${id}: the built-in stays as it is.`);
}

async function importFile(file) {
  if (!file) return;
  const { status, answer } = await send("POST", "api/import", { name: file.name, text: await file.text() });
  if (status !== 200) return say(answer.error || "Could not import it.", true);
  await open(answer.tables, "", false);
  say(`Imported from ${answer.format}. ` + answer.notes.join(" "));
}

async function open(tables, version, saved, used = {}) {
  const library = (await fetch("api/exercises").then((r) => r.json())).exercises;
  state = { id: Object.keys(tables.routines)[0], tables: structuredClone(tables), version, saved, library, used };
  byId("editor-form").hidden = false;
  draw();
  byId("editor-form").scrollIntoView({ block: "start" });
}

function say(text, error = false) {
  const status = byId("editor-status");
  status.textContent = text;
  status.classList.toggle("error", error);
}

// -- the form ------------------------------------------------------------------------------------------

const keys = [];  // the key paths that have a field, for placing the server's mistakes

function slot(path) {
  keys.push(keyOf(path));
  return el("p", { class: "field-error", dataset: { errorFor: keyOf(path) }, role: "alert" });
}

function field(label, path, kind = "text", hint = "") {
  const value = getAt(state.tables, path);
  const id = "f-" + keyOf(path).replace(/[^a-z0-9]+/gi, "-");
  const shown = kind === "lines" ? [].concat(value ?? []).join("\n") : kind === "list" ? [].concat(value ?? []).join(", ")
    : value ?? "";
  const input = kind === "lines" ? el("textarea", { id, rows: 2 }, shown)
    : el("input", { id, type: kind === "number" ? "number" : "text", step: "any", value: shown, inputmode: kind === "number" ? "decimal" : null });
  input.addEventListener("input", () => {
    const raw = input.value;
    setAt(state.tables, path, kind === "lines" ? lines(raw) : kind === "number" ? numberOf(raw)
      : kind === "list" ? raw.split(",").map((s) => s.trim()).filter(Boolean) : raw);
  });
  return el("div", { class: "field" }, el("label", { for: id }, label), hint ? el("p", { class: "note" }, hint) : "",
            input, slot(path));
}

function choice(label, path, options) {
  const id = "f-" + keyOf(path).replace(/[^a-z0-9]+/gi, "-");
  const select = el("select", { id }, options.map(([value, text]) => el("option", { value }, text)));
  select.value = getAt(state.tables, path) ?? options[0][0];
  select.addEventListener("change", () => setAt(state.tables, path, select.value === options[0][0] ? undefined : select.value));
  return el("div", { class: "field" }, el("label", { for: id }, label), select, slot(path));
}

/** min, default, max: a fixed number is a range with the three the same. */
function range(label, path, unit) {
  const names = unit === "s" ? ["min_s", "default_s", "max_s"] : ["min", "default", "max"];
  const now = getAt(state.tables, path);
  const parts = names.map((name, i) => {
    const id = "f-" + keyOf([...path, name]).replace(/[^a-z0-9]+/gi, "-");
    const value = typeof now === "number" ? now : now?.[name];
    const input = el("input", { id, type: "number", step: "any", inputmode: "decimal", value: value ?? "",
                                "aria-label": `${label}: ${["least", "usual", "most"][i]}` });
    input.addEventListener("input", () => {
      const current = getAt(state.tables, path);
      if (typeof current === "number") setAt(state.tables, path, Object.fromEntries(names.map((n) => [n, current])));
      setAt(state.tables, [...path, name], numberOf(input.value));
      if (getAt(state.tables, path) && !Object.keys(getAt(state.tables, path)).length) setAt(state.tables, path, undefined);
    });
    return el("span", { class: "range-part" }, el("span", { class: "note" }, ["least", "usual", "most"][i]), input,
              slot([...path, name]));
  });
  return el("fieldset", { class: "range" }, el("legend", {}, label + (unit === "s" ? " (seconds)" : "")), ...parts, slot(path));
}

function draw() {
  keys.length = 0;
  const { id, tables } = state;
  const routine = ["routines", id];
  const form = byId("editor-fields");
  const idField = el("input", { id: "f-routine-id", type: "text", value: id, readonly: state.saved ? true : null,
                                pattern: "[a-z0-9][a-z0-9-]*" });
  idField.addEventListener("change", () => {
    const to = freeId(idField.value, []);
    state.tables = renamed(state.tables, state.id, to);
    state.id = to;
    draw();
  });
  form.replaceChildren(
    el("div", { class: "field" }, el("label", { for: "f-routine-id" }, "Id (the file's name)"), idField, slot(["routines"])),
    field("Title", [...routine, "title"]), field("Description", [...routine, "description"]),
    field("Said first", [...routine, "intro"], "lines", "One sentence a line."), field("Said last", [...routine, "outro"], "lines"),
    range("Rest between exercises", [...routine, "rest_s"], "s"), range("Rounds", [...routine, "rounds"], ""),
    el("h3", {}, "Exercises, in order"), items(), el("h3", {}, "Your own exercises"),
    ...Object.keys(tables.exercises || {}).map(exercise), newExerciseRow());
  showErrors([]);
}

function titleOf(exerciseId) {
  return state.tables.exercises?.[exerciseId]?.title || state.library.find((e) => e.id === exerciseId)?.title || exerciseId;
}

function items() {
  const list = state.tables.routines[state.id].items || [];
  const rows = list.map((item, i) => {
    const path = ["routines", state.id, "items", i];
    const own = item.exercise in (state.tables.exercises || {});
    const move = (step) => () => {
      const j = i + step;
      if (j < 0 || j >= list.length) return;
      [list[i], list[j]] = [list[j], list[i]];
      draw();
    };
    const optional = el("input", { type: "checkbox", checked: item.optional ? true : null, "aria-label": "Optional: " + titleOf(item.exercise) });
    optional.addEventListener("change", () => setAt(state.tables, [...path, "optional"], optional.checked || undefined));
    return el("li", { class: "item", dataset: { errorKey: keyOf(path) } },
      el("span", { class: "item-title" }, titleOf(item.exercise)), own ? "" : copyButton(item.exercise),
      el("label", { class: "inline" }, optional, "optional"),
      el("button", { type: "button", "aria-label": "Earlier", on: { click: move(-1) } }, "↑"),
      el("button", { type: "button", "aria-label": "Later", on: { click: move(1) } }, "↓"),
      el("button", { type: "button", class: "danger", "aria-label": "Take out " + titleOf(item.exercise),
                     on: { click: () => { list.splice(i, 1); draw(); } } }, "✕"),
      slot([...path, "exercise"]), slot(path));
  });
  const pick = el("select", { id: "editor-pick", "aria-label": "An exercise to add" },
    state.library.map((e) => el("option", { value: e.id }, e.title)));
  const add = el("button", { type: "button", id: "editor-add", on: { click: () => {
    setAt(state.tables, ["routines", state.id, "items", list.length], { exercise: pick.value });
    draw();
  } } }, "Add");
  return el("div", {}, el("ol", { class: "items" }, rows), slot(["routines", state.id, "items"]),
            el("div", { class: "row" }, pick, add));
}

function copyButton(exerciseId) {
  const table = state.used[exerciseId] || state.library.find((e) => e.id === exerciseId)?.table;
  if (!table) return "";
  return el("button", { type: "button", class: "copy", on: { click: () => {
    state.tables = copyExercise(state.tables, state.id, exerciseId, table).tables;
    draw();
  } } }, "Copy to change");
}

function exercise(exerciseId) {
  const path = ["exercises", exerciseId];
  const phases = getAt(state.tables, [...path, "phases"]) || [];
  return el("details", { class: "exercise", open: true, dataset: { exercise: exerciseId } },
    el("summary", {}, titleOf(exerciseId) || exerciseId),
    field("Title", [...path, "title"]), field("Summary", [...path, "summary"]),
    field("Starting position", [...path, "position"]), field("Equipment", [...path, "equipment"], "list", "Separated by commas."),
    field("Setup, said once", [...path, "setup"], "lines"),
    choice("Sides", [...path, "sides"], [["none", "One side (or both at once)"], ["both", "Left, then right"]]),
    range("Reps", [...path, "reps"], ""),
    choice("Counting", [...path, "count"], [["spoken", "Numbers spoken"], ["beeps", "Beeps"], ["both", "Both"], ["none", "None"]]),
    field("Tips", [...path, "tips"], "lines"),
    ...phases.map((_, i) => phase([...path, "phases", i])), slot([...path, "phases"]),
    el("button", { type: "button", class: "add-phase", on: { click: () => {
      setAt(state.tables, [...path, "phases", phases.length], { cue: [], move_s: 2 });
      draw();
    } } }, "Add a phase"), slot(path));
}

function phase(path) {
  const beeps = ["rep", "hold_start", "hold_end"].map((name) => {
    const box = el("input", { type: "checkbox", checked: (getAt(state.tables, [...path, "beeps"]) || []).includes(name) ? true : null });
    box.addEventListener("change", () => {
      const now = new Set(getAt(state.tables, [...path, "beeps"]) || []);
      if (box.checked) now.add(name); else now.delete(name);
      setAt(state.tables, [...path, "beeps"], [...now]);
    });
    return el("label", { class: "inline" }, box, { rep: "rep beep", hold_start: "hold starts", hold_end: "hold ends" }[name]);
  });
  return el("fieldset", { class: "phase" }, el("legend", {}, "Phase " + (path[path.length - 1] + 1)),
    field("Cue (variants, one a line)", [...path, "cue"], "lines"), field("Time to move (seconds)", [...path, "move_s"], "number"),
    range("Hold", [...path, "hold"], "s"), el("div", { class: "row" }, beeps), slot([...path, "beeps"]),
    el("button", { type: "button", class: "danger", on: { click: () => {
      getAt(state.tables, path.slice(0, -1)).splice(path[path.length - 1], 1);
      draw();
    } } }, "Remove this phase"), slot(path));
}

function newExerciseRow() {
  const name = el("input", { id: "editor-new-exercise", placeholder: "Wall angels", "aria-label": "The new exercise's name" });
  return el("div", { class: "row" }, name, el("button", { type: "button", id: "editor-add-new", on: { click: () => {
    const title = name.value.trim() || "New exercise";
    const taken = [...Object.keys(state.tables.exercises || {}), ...state.library.map((e) => e.id)];
    const exerciseId = freeId(title, taken);
    setAt(state.tables, ["exercises", exerciseId], newExercise(title));
    const list = state.tables.routines[state.id].items || [];
    setAt(state.tables, ["routines", state.id, "items", list.length], { exercise: exerciseId });
    draw();
  } } }, "New exercise"));
}

function showErrors(errors) {
  document.querySelectorAll("#editor-form .field-error").forEach((p) => { p.textContent = ""; });
  const placed = placeErrors(errors, keys);
  const above = [];
  for (const [key, messages] of placed) {
    const spot = key && document.querySelector(`#editor-form [data-error-for="${CSS.escape(key)}"]`);
    if (spot) spot.textContent = messages.join(" ");
    else above.push(...messages.map((m) => (key ? key + ": " : "") + m));
  }
  byId("editor-errors").replaceChildren(...above.map((m) => el("li", {}, m)));
  const first = document.querySelector("#editor-form .field-error:not(:empty)");
  if (first) first.scrollIntoView({ block: "center" });
}

// -- what the form does ----------------------------------------------------------------------------------

export function editorActions() {
  byId("editor-preview").addEventListener("click", preview);
  byId("editor-save").addEventListener("click", save);
  byId("editor-make").addEventListener("click", make);
  byId("editor-share").addEventListener("click", share);
}

async function preview() {
  const { status, answer } = await send("POST", "api/preview", { routine: state.id, minutes: Number(byId("editor-minutes").value),
                                                                tables: state.tables });
  if (status === 400 && answer.errors) return showErrors(answer.errors);
  if (status !== 200) return say(answer.error || "Could not preview it.", true);
  showErrors([]);
  byId("editor-plan").replaceChildren(
    el("h4", {}, `${answer.title}: ${Math.round(answer.duration_s / 60 * 10) / 10} minutes`),
    el("ol", { class: "plan-chapters" }, answer.chapters.map((c) => el("li", {}, `${Math.floor(c.start_s / 60)}:${String(Math.round(c.start_s % 60)).padStart(2, "0")} ${c.title}`))),
    el("p", { class: "note" }, "The first minutes, as they will be said:"),
    el("ul", { class: "plan-said" }, answer.said.map((s) => el("li", {}, s.text))));
  say("");
}

async function save() {
  const headers = state.version ? { "If-Match": `"${state.version}"` } : {};
  const { status, answer } = await send("PUT", "api/routines/" + encodeURIComponent(state.id), state.tables, headers);
  if (status === 400 && answer.errors) {
    showErrors(answer.errors);
    return say("Not saved: fix what is marked.", true);
  }
  if (status === 409) return say(answer.error + (answer.changed?.length ? ": " + answer.changed.join(", ") : "") +
                                 ". Open it again to see the changes.", true);
  if (status !== 200 && status !== 201) return say(answer.error || `Not saved (${status}).`, true);
  showErrors([]);
  state.version = answer.version;
  state.saved = true;
  say(`Saved as ${answer.file} in your definitions folder.`);
  await listMine();
  draw();
}

async function make() {
  await save();
  if (!state.saved || byId("editor-status").classList.contains("error")) return;
  const bar = byId("editor-progress");
  bar.hidden = false;
  const { status, answer } = await send("POST", "api/builds", { routine: state.id, minutes: Number(byId("editor-minutes").value) });
  if (status !== 202) { bar.hidden = true; return say(answer.error || "Could not make it.", true); }
  try {
    const done = await watch(answer.id, bar, byId("editor-status"));
    await playMade(done.file);
  } catch (error) { say(error.message, true); } finally { bar.hidden = true; }
}

async function share() {
  const link = new URL(location.pathname, location.href).href + "#import=" + await packShare(state.tables);
  const field = byId("editor-link");
  field.value = link;
  byId("editor-shared").hidden = false;
  const { status, answer } = await fetch("api/qr", { method: "POST", headers: { "Content-Type": "application/json" },
                                                     body: JSON.stringify({ text: link }) })
    .then(async (r) => ({ status: r.status, answer: await r.text() })).catch(() => ({ status: 0, answer: "" }));
  byId("editor-qr").innerHTML = status === 200 ? answer : "";
  try { await navigator.clipboard.writeText(link); say("The link is copied: whoever opens it gets this routine to import."); }
  catch (error) { field.select(); say("Copy the link, or let the other phone scan the code."); }
}
