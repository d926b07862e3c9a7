// audioguide's page: sessions to play (chapters, lock-screen controls, offline copies), subscribing, and, when
// served by 'audioguide serve', making and deleting sessions. ES modules, no build step.
import { call, get, takeToken, token } from "./api.js";
import { el, byId } from "./dom.js";
import { editorActions, editorCard } from "./editor.js";
import { makeForm } from "./make.js";
import { forget, keepBox, registerWorker } from "./offline.js";
import { lockScreenControls, render } from "./player.js";
import { subscribe } from "./subscribe.js";
import { watchServer, whenReachChanges } from "./reach.js";
import { refreshStreak, todayCard } from "./today.js";

const data = JSON.parse(byId("data").textContent);

function extras(session, node) {
  if (!data.api) return [];
  return [keepBox(session), el("button", { type: "button", class: "danger delete", on: { click: () => remove(session, node) } },
                               "Delete")];
}

async function remove(session, node) {
  if (!confirm("Delete " + session.title + " and the files beside it?")) return;
  try {
    await call("DELETE", "api/sessions/" + encodeURIComponent(session.file));
    node.remove();
    await forget(session.file);
  } catch (error) {
    alert("Could not delete: " + error.message);
  }
}

async function logged(session, seconds) {
  // A session played into its outro counts as done: the log keeps it, the streak grows.
  if (!data.api) return;
  try {
    await call("POST", "api/log", { file: session.file, played_s: Math.max(1, Math.round(seconds)) });
    await refreshStreak();
  } catch (error) { /* no key, or offline: the streak waits */ }
}

async function refresh() {
  // The sessions as the server knows them now (or, offline, as the service worker last saw them).
  try { render((await get("api/sessions")).groups, extras, logged); } catch (error) { /* keep what is shown */ }
}

async function made(file) {
  await refresh();
  const player = byId("session-" + file).querySelector("audio");
  player.scrollIntoView({ behavior: "smooth", block: "center" });
  player.play().catch(() => {});
}

takeToken();
subscribe(data.api ? new URL("feed.xml", location.href).href : data.feed);
render(data.groups, extras, logged);
lockScreenControls();
if (data.api) {
  byId("make").hidden = false;
  makeForm(made);
  todayCard(made);
  if (token()) editorCard(made).then(editorActions);  // writing routines needs the key
  registerWorker(refresh);
  watchServer();
  whenReachChanges((answers) => { if (answers) { todayCard(made); refresh(); } });  // back: fresh cards
}
