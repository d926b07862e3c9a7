// The Today card: the followed program's day, one tap to play it (made first when it is not built yet), the
// streak; with no program followed, one tap to start the built-in one.
import { call, get, token } from "./api.js";
import { el, byId } from "./dom.js";
import { localDate, monthGrid, streakText, todayText } from "./format.js";
import { watch } from "./make.js";
import { reaches, whenReachChanges } from "./reach.js";

let making = null;  // today's button while its session is not built: it needs the server
whenReachChanges((answers) => { if (making) making.disabled = !answers; });

/** play(file) plays a session of the list (refreshing it first when the session is new). */
export async function todayCard(play) {
  const root = byId("today");
  let card, log;
  try {
    [card, log] = await Promise.all([get("api/today"), get("api/log")]);
  } catch (error) {
    return;  // offline: the sessions below still play
  }
  const text = todayText(card);
  const status = el("p", { id: "today-status", class: "note", role: "status", "aria-live": "polite" });
  const actions = el("div", { class: "row" });
  root.replaceChildren(el("h2", { id: "today-title" }, text.head), el("p", { class: "meta" }, text.detail),
    ...(text.grew ? [el("p", { id: "today-grew", class: "grew" }, text.grew)] : []),
    el("p", { id: "streak" }, streakText(log.streak_days || 0)), actions, status, month(log));
  root.hidden = false;
  if (!token()) return;
  if (card.program) root.append(reminders());
  if (!card.program && card.offer) {
    actions.append(el("button", { type: "button", class: "primary", id: "today-start", on: { click: async () => {
      await call("PUT", "api/program", { program: card.offer, start: localDate() });
      todayCard(play);
    } } }, "Start the program today"));
  } else if (card.session) {
    const bar = el("progress", { max: 1, value: 0, hidden: true, "aria-label": "Making today's session" });
    actions.append(el("button", { type: "button", class: "primary", id: "today-play", on: { click: async (event) => {
      event.target.disabled = true;
      try {
        if (!card.session.built) {
          bar.hidden = false;
          const job = await call("POST", "api/builds", { program: card.program, day: card.day, start: card.start });
          await watch(job.id, bar, status);
          card.session.built = true;
        }
        status.textContent = "";
        await play(card.session.file);
      } catch (error) {
        status.textContent = error.message;
      } finally {
        event.target.disabled = false;
        bar.hidden = true;
      }
    } } }, card.session.built ? "Play today's session" : "Make and play today's session"), bar);
    making = card.session.built ? null : actions.querySelector("#today-play");
    if (making) making.disabled = !reaches();
  }
}

/** The streak and the month after a session was logged. */
export async function refreshStreak() {
  try {
    const log = await get("api/log");
    byId("streak").textContent = streakText(log.streak_days || 0);
    byId("month").replaceWith(month(log));
  } catch (error) { /* offline */ }
}

/** This month's calendar, the days done marked. */
function month(log) {
  const today = localDate();
  const weeks = monthGrid(today, log.entries.map((e) => e.done_on));
  const name = new Date(today + "T12:00").toLocaleDateString(undefined, { month: "long", year: "numeric" });
  const head = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"].map((d) => el("th", { scope: "col" }, d));
  const cell = (c) => !c ? el("td", {}) : el("td", {
    class: [c.done ? "done" : "", c.today ? "today" : ""].join(" ").trim(), dataset: { date: c.date },
    "aria-label": c.date + (c.done ? ": done" : "") + (c.today ? " (today)" : "") }, String(c.day));
  return el("table", { id: "month", class: "month" }, el("caption", {}, name),
            el("thead", {}, el("tr", {}, head)), el("tbody", {}, weeks.map((w) => el("tr", {}, w.map(cell)))));
}

/** Reminders at a time of day: the followed program's sessions as a calendar to subscribe to (webcal://). */
function reminders() {
  const time = el("input", { type: "time", id: "reminder-time", value: "07:30" });
  const link = el("a", { id: "reminder-link", class: "button" }, "Add reminders to my calendar");
  let key = null;   // the calendar's own key: it opens the calendar only, never making or deleting
  const update = () => {
    if (key === null) return;
    const address = new URL("calendar.ics?key=" + encodeURIComponent(key) + "&time=" +
                            encodeURIComponent(time.value || "07:30"), location.href);
    link.href = address.href.replace(/^https?:/, "webcal:");
  };
  time.addEventListener("input", update);
  call("GET", "api/calendar").then((answer) => { key = answer.key; update(); },
                                   (error) => { link.textContent = error.message; });
  return el("div", { class: "row reminders" }, el("label", { for: "reminder-time", class: "inline" }, "Remind me at"),
            time, link);
}
