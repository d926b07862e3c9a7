// The editor's logic without a browser: key paths as the loader names them, values set and cleared, mistakes
// placed at their fields, copies and new ids, and a routine packed into a link and back.
import assert from "node:assert/strict";
import { test } from "node:test";

import { copyExercise, freeId, getAt, keyOf, lines, newRoutine, numberOf, packShare, parentKey, placeErrors,
         renamed, setAt, unpackShare } from "../../audioguide/web/static/page/routine.js";

test("key paths read as the loader writes them", () => {
  assert.equal(keyOf(["exercises", "wall-angels", "phases", 0, "hold", "max_s"]), "exercises.wall-angels.phases[0].hold.max_s");
  assert.equal(keyOf(["routines", "r", "items", 2]), "routines.r.items[2]");
  assert.equal(parentKey("routines.r.items[2]"), "routines.r.items");
  assert.equal(parentKey("routines.r"), "routines");
  assert.equal(parentKey("routines"), "");
});

test("a value set makes its tables, a blank one leaves the file", () => {
  const tables = newRoutine("r");
  setAt(tables, ["exercises", "x", "reps", "max"], 8);
  assert.equal(getAt(tables, ["exercises", "x", "reps", "max"]), 8);
  setAt(tables, ["exercises", "x", "phases", 0, "cue"], ["Up."]);
  assert.deepEqual(tables.exercises.x.phases, [{ cue: ["Up."] }]);
  setAt(tables, ["routines", "r", "title"], "");
  assert.equal("title" in tables.routines.r, false);
  assert.deepEqual(lines(" One.\n\n Two. \n"), ["One.", "Two."]);
  assert.equal(numberOf(""), undefined);
  assert.equal(numberOf("2.5"), 2.5);
});

test("each mistake goes to its field, or the nearest one above, or above the form", () => {
  const placed = placeErrors([
    { key: "exercises.x.reps.max", message: "must be >= min (6), found 4" },
    { key: "exercises.x.phases[0].hold.maxx", message: "unknown key" },
    { key: "routines.r.items[1].exercise", message: "unknown exercise 'cat-cows'" },
    { key: "", message: "no tables" }],
    ["exercises.x.reps.max", "exercises.x.phases[0]", "routines.r.items[1].exercise"]);
  assert.deepEqual(placed.get("exercises.x.reps.max"), ["must be >= min (6), found 4"]);
  assert.deepEqual(placed.get("exercises.x.phases[0]"), ["unknown key"]);
  assert.deepEqual(placed.get("routines.r.items[1].exercise"), ["unknown exercise 'cat-cows'"]);
  assert.deepEqual(placed.get(""), ["no tables"]);
});

test("ids are made free and copies point the items at themselves", () => {
  assert.equal(freeId("My Back!", []), "my-back");
  assert.equal(freeId("my-back", ["my-back", "my-back-2"]), "my-back-3");
  const tables = { exercises: {}, routines: { r: { title: "R", items: [{ exercise: "cat-cow" }, { exercise: "b" }] } } };
  const { id, tables: copied } = copyExercise(tables, "r", "cat-cow", { title: "Cat cow", phases: [] });
  assert.equal(id, "cat-cow-mine");
  assert.equal(copied.exercises["cat-cow-mine"].title, "Cat cow (mine)");
  assert.deepEqual(copied.routines.r.items.map((i) => i.exercise), ["cat-cow-mine", "b"]);
  assert.deepEqual(Object.keys(renamed(copied, "r", "mine").routines), ["mine"]);
});

test("a routine travels in a link's fragment and comes back the same", async () => {
  const tables = { exercises: { x: { title: "Wall angels", phases: [{ cue: ["Slide up — slowly ✓"] }] } },
                   routines: { r: { title: "Mine", items: [{ exercise: "x" }] } } };
  const packed = await packShare(tables);
  assert.match(packed, /^[A-Za-z0-9_-]+$/);  // safe in an address
  assert.deepEqual(await unpackShare(packed), tables);
  await assert.rejects(unpackShare(packed.slice(0, 10)), /does not hold a routine/);
});
