// What the editor computes without a browser: key paths as the definitions loader writes them, reading and
// writing the routine's tables at a path, where each mistake the server names goes on the form, new and copied
// tables, and the routine packed into a link's fragment (compressed, never sent to anyone). Tested with node.

/** A path of keys and indexes as the loader names it: ["exercises", "x", "phases", 0, "hold"] ->
 * "exercises.x.phases[0].hold". */
export function keyOf(path) {
  return path.reduce((key, part) => typeof part === "number" ? `${key}[${part}]` : key ? `${key}.${part}` : part, "");
}

export function getAt(tables, path) {
  return path.reduce((node, part) => (node == null ? undefined : node[part]), tables);
}

/** Set the value at path, making the tables on the way; an empty value ("", null, [], undefined) removes the
 * key, so that what a person left blank is not in the file. */
export function setAt(tables, path, value) {
  let node = tables;
  path.slice(0, -1).forEach((part, i) => {
    if (node[part] == null) node[part] = typeof path[i + 1] === "number" ? [] : {};
    node = node[part];
  });
  const last = path[path.length - 1];
  const empty = value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length);
  if (empty && !Array.isArray(node)) delete node[last];
  else node[last] = value;
  return tables;
}

/** A text area's lines as a list of texts (blank lines dropped). */
export const lines = (text) => String(text).split("\n").map((l) => l.trim()).filter(Boolean);

/** A number field's value: a number, or undefined when blank. */
export const numberOf = (text) => (String(text).trim() === "" ? undefined : Number(text));

/** The key one level up: "a.b[0]" -> "a.b", "a.b" -> "a", "a" -> "". */
export function parentKey(key) {
  const up = key.replace(/(\[\d+\]|\.[^.[\]]+)$/, "");
  return up === key ? "" : up;
}

/** Which field each mistake belongs to: the field of its key, else the nearest one above it (a mistake in
 * "exercises.x.phases[0]" goes to that phase's box), else "" (said above the form). */
export function placeErrors(errors, fieldKeys) {
  const known = new Set(fieldKeys);
  const placed = new Map();
  for (const error of errors) {
    let key = error.key || "";
    while (key && !known.has(key)) key = parentKey(key);
    if (!placed.has(key)) placed.set(key, []);
    placed.get(key).push(error.message);
  }
  return placed;
}

/** A routine of one's own to start from. */
export function newRoutine(id) {
  return { exercises: {}, routines: { [id]: { items: [] } } };
}

/** A new exercise: one phase with a hold, as most timed practices are. */
export function newExercise(title = "") {
  return { title, count: "none", phases: [{ move_s: 2, hold: { min_s: 5, default_s: 10, max_s: 20 } }] };
}

/** An id that is not taken yet: base, else base-2, base-3 ... */
export function freeId(base, taken) {
  const clean = String(base).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 58) || "mine";
  if (!taken.includes(clean)) return clean;
  let n = 2;
  while (taken.includes(`${clean}-${n}`)) n++;
  return `${clean}-${n}`;
}

/** The tables with the routine under another id (a copy of a built-in, or a rename before the first save). */
export function renamed(tables, from, to) {
  if (from === to) return tables;
  const routines = { ...tables.routines, [to]: tables.routines[from] };
  delete routines[from];
  return { ...tables, routines };
}

/** A routine's own copy of an exercise it uses: the copy gets an id of its own, the items point at it. */
export function copyExercise(tables, routineId, exerciseId, table) {
  const id = freeId(exerciseId + "-mine", Object.keys(tables.exercises || {}));
  const copy = structuredClone(table);
  copy.title = (copy.title || exerciseId) + " (mine)";
  const items = tables.routines[routineId].items.map((item) => item.exercise === exerciseId ? { ...item, exercise: id } : item);
  return { id, tables: { ...tables, exercises: { ...tables.exercises, [id]: copy },
                         routines: { ...tables.routines, [routineId]: { ...tables.routines[routineId], items } } } };
}

const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const unbase64url = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

async function through(stream, bytes) {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

/** The routine as a link's fragment: its tables as JSON, deflated, base64url. */
export async function packShare(tables) {
  return base64url(await through(new CompressionStream("deflate-raw"), new TextEncoder().encode(JSON.stringify(tables))));
}

/** The tables a shared link carries (Error when the fragment is not one). */
export async function unpackShare(text) {
  try {
    const tables = JSON.parse(new TextDecoder().decode(await through(new DecompressionStream("deflate-raw"), unbase64url(text))));
    if (!tables || typeof tables !== "object" || !tables.routines) throw new Error("no routine in it");
    return tables;
  } catch (error) {
    throw new Error("This link does not hold a routine (it may be cut short): " + error.message);
  }
}
