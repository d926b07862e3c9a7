// The page's logic that needs no browser (web/static/page/format.js), run by scripts/test with node --test.
import assert from "node:assert/strict";
import { test } from "node:test";

import { byteRange, chapterAt, clock, href, jumpTarget, keptNote, lengthBounds, presetsFor, previewUrl, progressText,
  needs, nowPlaying, reachedOutro, streakText, todayText,
  voiceGroups } from
  "../../audioguide/web/static/page/format.js";

const chapters = [{ start_s: 0 }, { start_s: 30 }, { start_s: 95.5 }];

test("clock shows minutes and seconds, hours from an hour on", () => {
  assert.equal(clock(0), "00:00");
  assert.equal(clock(59.6), "01:00");
  assert.equal(clock(605), "10:05");
  assert.equal(clock(3725), "01:02:05");
  assert.equal(clock(-3), "00:00");
});

test("the chapter playing is the last one started, a seek's 50 ms early counted in", () => {
  assert.equal(chapterAt(chapters, 0), 0);
  assert.equal(chapterAt(chapters, 29.9), 0);
  assert.equal(chapterAt(chapters, 29.96), 1);
  assert.equal(chapterAt(chapters, 100), 2);
});

test("previous goes to the chapter's start after 3 s, else to the one before; next stops at the last", () => {
  assert.equal(jumpTarget(chapters, 40, -1), 1);
  assert.equal(jumpTarget(chapters, 31, -1), 0);
  assert.equal(jumpTarget(chapters, 1, -1), 0);
  assert.equal(jumpTarget(chapters, 40, 1), 2);
  assert.equal(jumpTarget(chapters, 100, 1), 2);
});

test("a session's file name becomes a link that keeps # ? % and spaces", () => {
  assert.equal(href("Sam's #1 & ?% día.mp3"), "Sam's%20%231%20%26%20%3F%25%20d%C3%ADa.mp3");
});

test("a build's state reads as a person would say it", () => {
  assert.equal(progressText({ state: "queued" }), "Waiting to start");
  assert.equal(progressText({ state: "running", stage: "speech" }), "Recording the voice");
  assert.equal(progressText({ state: "running", stage: "mix+encode", left_s: 75.4 }), "Mixing and saving the MP3 · about 01:15 left");
  assert.equal(progressText({ state: "running", stage: "speech", left_s: 2 }), "Recording the voice · almost done");
  assert.equal(progressText({ state: "running", stage: "new-stage" }), "Making the session");
  assert.equal(progressText({ state: "failed", error: "too short" }), "too short");
  assert.equal(progressText({ state: "done" }), "Done");
});

test("byte ranges as the server answers them: open-ended, suffix, clipped, and unsatisfiable", () => {
  assert.deepEqual(byteRange("bytes=0-99", 1000), [0, 99]);
  assert.deepEqual(byteRange("bytes=900-", 1000), [900, 999]);
  assert.deepEqual(byteRange("bytes=-100", 1000), [900, 999]);
  assert.deepEqual(byteRange("bytes=990-2000", 1000), [990, 999]);
  assert.deepEqual(byteRange("bytes=-5000", 1000), [0, 999]);
  assert.equal(byteRange("bytes=-0", 1000), null);
  assert.equal(byteRange("bytes=1000-", 1000), null);
  assert.equal(byteRange("bytes=5-3", 1000), null);
  assert.equal(byteRange("bytes=-", 1000), null);
  assert.equal(byteRange("items=0-1", 1000), null);
});

test("the length slider stays inside what the routine can fill, in half minutes", () => {
  assert.deepEqual(lengthBounds(5.13, 61.9, 10), { min: 5.5, max: 61.5, value: 10 });
  assert.deepEqual(lengthBounds(5.13, 61.9, 3), { min: 5.5, max: 61.5, value: 5.5 });
  assert.deepEqual(lengthBounds(2, 17.7, 20), { min: 2, max: 17.5, value: 17.5 });
});

test("voices are grouped by language in the server's order, named for the reader", () => {
  const voices = [{ engine: "kokoro", voice: "af_sarah", language: "en-US" },
    { engine: "kokoro", voice: "bf_emma", language: "en-GB" }, { engine: "pyttsx3", voice: "x", language: "" },
    { engine: "kokoro", voice: "am_adam", language: "en-US" }, { engine: "pyttsx3", voice: "es", language: "es" }];
  const groups = voiceGroups(voices, "en");
  assert.deepEqual(groups.map((g) => g.label), ["American English", "British English", "Other", "Spanish"]);
  assert.deepEqual(groups[0].voices.map((v) => v.voice), ["af_sarah", "am_adam"]);
  assert.equal(voiceGroups(voices, "fr")[3].label, "espagnol");
  assert.equal(voiceGroups([{ voice: "q", language: "not a tag!" }], "en")[0].label, "not a tag!");
});

test("a preview's address escapes the voice's name", () => {
  assert.equal(previewUrl("pyttsx3", "gmw/en-us+m3"), "api/voices/preview?engine=pyttsx3&voice=gmw%2Fen-us%2Bm3");
});

test("the form says what a short session leaves out, and nothing when it keeps every exercise", () => {
  const keeps = [{ from_minutes: 1.5, exercises: ["A"] }, { from_minutes: 2.5, exercises: ["A", "B"] },
    { from_minutes: 4, exercises: ["A", "B", "C"] }];
  assert.equal(keptNote(keeps, 2), "1 of the 3 exercises fit: A. All 3 from 4 minutes.");
  assert.equal(keptNote(keeps, 3), "2 of the 3 exercises fit: A, B. All 3 from 4 minutes.");
  assert.equal(keptNote(keeps, 4), "");
  assert.equal(keptNote([], 4), "");
  assert.deepEqual(presetsFor([3, 5, 10, 60], 4.2, 60), [5, 10, 60]);
});

test("a session counts as done from its outro, and the Today card says the day, a rest day or how to start", () => {
  const chapters = [{ title: "Intro", start_s: 0 }, { title: "Cat cow", start_s: 20 }, { title: "Outro", start_s: 280 }];
  assert.equal(reachedOutro(chapters, 279.9), false);
  assert.equal(reachedOutro(chapters, 280), true);
  assert.equal(reachedOutro([{ title: "A", start_s: 0 }, { title: "B", start_s: 50 }], 51), true);
  assert.equal(reachedOutro([], 10), false);
  const base = { program: "p", title: "Thoracic four weeks", day: 9, days: 28, start: "2026-12-01" };
  assert.deepEqual(todayText({ ...base, session: { routine: "Thoracic mobility", minutes: 7 } }),
    { head: "Day 9 of 28 - Thoracic four weeks", detail: "Thoracic mobility, 7 minutes", grew: "" });
  assert.equal(todayText({ ...base, session: { routine: "R", minutes: 7, grew: "New: Cat cow." } }).grew, "New: Cat cow.");
  assert.equal(todayText({ ...base, session: null, next_date: "2026-12-11" }).detail,
    "A rest day today. The next session is on 2026-12-11.");
  assert.equal(todayText({ program: null, offer: "p" }).head, "Start a daily practice");
  assert.equal(streakText(1), "Streak: 1 day");
  assert.equal(streakText(3), "Streak: 3 days");
});

test("a refused key says what to do, any other refusal says the server's words", async () => {
  const { call, REFUSED_KEY } = await import("../../audioguide/web/static/page/api.js");
  globalThis.localStorage = { getItem: () => "old-key", setItem: () => {} };
  globalThis.fetch = async () => ({ ok: false, status: 403, statusText: "Forbidden",
                                    json: async () => ({ error: "making and deleting sessions need the token" }) });
  await assert.rejects(call("POST", "api/builds", {}), { message: REFUSED_KEY });
  globalThis.fetch = async () => ({ ok: false, status: 400, statusText: "Bad Request",
                                    json: async () => ({ error: "minutes: expected a number" }) });
  await assert.rejects(call("POST", "api/builds", {}), { message: "minutes: expected a number" });
  assert.match(REFUSED_KEY, /scan the code/);
});

test("the Today card says when today's session is done", () => {
  const card = { program: "p", title: "T", day: 3, days: 28, session: { routine: "R", minutes: 5, done: true } };
  assert.equal(todayText(card).detail, "R, 5 minutes: done today. Well done.");
});

test("what a routine needs reads as a sentence, and nothing when it needs nothing", () => {
  assert.equal(needs(["a wall", "a mat"]), ". You need: a wall, a mat");
  assert.equal(needs([]), "");
  const card = { program: "p", title: "T", day: 1, days: 28, session: { routine: "R", minutes: 5, equipment: ["a chair"] } };
  assert.equal(todayText(card).detail, "R, 5 minutes. You need: a chair");
});

test("the floor player shows the chapter playing, the time left in it and in the session, and what is next", () => {
  const chapters = [{ title: "Intro", start_s: 0, end_s: 30 }, { title: "Cat cow", start_s: 30, end_s: 100 },
    { title: "Outro", start_s: 100, end_s: 120 }];
  assert.deepEqual(nowPlaying(chapters, 40, 120),
    { index: 1, title: "Cat cow", chapterLeft: 60, sessionLeft: 80, next: "Outro" });
  assert.equal(nowPlaying(chapters, 110, 120).next, "");
  assert.equal(nowPlaying(chapters, 130, 120).sessionLeft, 0);
});

test("the month calendar starts its weeks on Monday and marks the days done and today", async () => {
  const { monthGrid, localDate } = await import("../../audioguide/web/static/page/format.js");
  const weeks = monthGrid("2026-12-02", ["2026-12-01", "2026-11-30", "2026-12-02"]);
  assert.equal(weeks.length, 5);                        // December 2026: Tuesday 1st to Thursday 31st
  assert.equal(weeks[0][0], null);                      // Monday 30 November is not in the month
  assert.deepEqual(weeks[0][1], { day: 1, date: "2026-12-01", done: true, today: false });
  assert.deepEqual(weeks[0][2], { day: 2, date: "2026-12-02", done: true, today: true });
  assert.equal(weeks[0][3].done, false);
  assert.equal(weeks[4][3].day, 31);
  assert.equal(weeks[4][4], null);
  assert.equal(monthGrid("2027-02-10", []).flat().filter(Boolean).length, 28);
  assert.equal(monthGrid("2028-02-10", []).flat().filter(Boolean).length, 29);
  assert.equal(localDate(new Date(2026, 0, 5, 23, 59)), "2026-01-05");
});

test("the form works the program's day out from its start, and says a rest day calmly", async () => {
  const { programDay, restDayNote } = await import("../../audioguide/web/static/page/format.js");
  assert.equal(programDay("2026-12-01", "2026-12-01"), 1);
  assert.equal(programDay("2026-11-03", "2026-12-02"), 30);
  assert.equal(programDay("2026-03-28", "2026-03-30"), 3);   // across a daylight-saving change
  const weekdays = [0, 1, 2, 3, 4, 5];                        // Monday to Saturday
  assert.equal(restDayNote("2026-12-01", 5, weekdays, 28), ""); // Saturday
  assert.equal(restDayNote("2026-12-01", 6, weekdays, 28), "Day 6 is a rest day. The next session is day 7.");
  assert.equal(restDayNote("2026-12-01", 27, weekdays, 27), "Day 27 is a rest day.");
});

test("a card says the voice and music a session was made with, and a kept copy's size", async () => {
  const { madeWith, sizeText } = await import("../../audioguide/web/static/page/format.js");
  assert.equal(madeWith({ voice: "kokoro am_liam", music: null }), "Voice: kokoro am_liam · No music");
  assert.equal(madeWith({ voice: "piper en_US-joe-medium", music: "rain.mp3" }),
               "Voice: piper en_US-joe-medium · Music: rain.mp3");
  assert.equal(madeWith({}), "");  // made before sessions said it
  assert.equal(sizeText(840_000), "840 kB");
  assert.equal(sizeText(9_400_000), "9.4 MB");
  assert.equal(sizeText(43_200_000), "43 MB");
});

test("the voice picker offers the voices of the routine's language", async () => {
  const { speakers } = await import("../../audioguide/web/static/page/format.js");
  const voices = [{ engine: "kokoro", voice: "am_liam", language: "en-US" }, { engine: "kokoro", voice: "ef_dora", language: "es" },
                  { engine: "pyttsx3", voice: "roa/pt-br", language: "pt-br" }, { engine: "tone", voice: "low", language: "" }];
  assert.deepEqual(speakers(voices, "es").map((v) => v.voice), ["ef_dora", "low"]);
  assert.deepEqual(speakers(voices, "pt-BR").map((v) => v.voice), ["roa/pt-br", "low"]);
  assert.deepEqual(speakers(voices, "en").map((v) => v.voice), ["am_liam", "low"]);
});
