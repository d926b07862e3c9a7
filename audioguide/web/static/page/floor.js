// The player for the floor: while a session plays, the exercise in large type, the time left in it and in the
// session, what comes next, and previous / pause / next buttons big enough to hit mid-exercise. The screen is
// kept on (Screen Wake Lock) while it plays and let go when it pauses or ends.
import { el, byId } from "./dom.js";
import { clock, jumpTarget, nowPlaying } from "./format.js";

let lock = null;

async function keepAwake(on) {
  try {
    if (on && !lock && "wakeLock" in navigator) {
      lock = await navigator.wakeLock.request("screen");
      lock.addEventListener("release", () => { lock = null; });
    } else if (!on && lock) {
      await lock.release();
      lock = null;
    }
  } catch (error) { lock = null; /* not allowed here (a hidden page, no permission): the page still plays */ }
}

/** Follows one session's audio element: shown while it plays, hidden when none does. */
export function followOnTheFloor(session, audio) {
  const root = byId("floor");
  const title = el("p", { class: "floor-title", "aria-live": "polite" });
  const left = el("p", { class: "floor-left" });
  const next = el("p", { class: "floor-next" });
  const go = (step) => () => {
    audio.currentTime = session.chapters[jumpTarget(session.chapters, audio.currentTime, step)].start_s;
  };
  const show = () => {
    const now = nowPlaying(session.chapters, audio.currentTime, audio.duration || session.duration_s);
    title.textContent = now.title;
    left.textContent = `${clock(now.chapterLeft)} left in this · ${clock(now.sessionLeft)} in the session`;
    next.textContent = now.next ? "Next: " + now.next : "Last part";
    pause.textContent = audio.paused ? "Play" : "Pause";
  };
  const toggle = () => {
    if (audio.paused) audio.play();
    else audio.pause();
    show(); // the button answers the tap at once; the pause event comes a task later
  };
  const pause = el("button", { type: "button", class: "primary", id: "floor-pause", on: { click: toggle } }, "Pause");
  root.replaceChildren(el("p", { class: "meta" }, session.title), title, left, next,
    el("div", { class: "row floor-buttons" },
      el("button", { type: "button", id: "floor-previous", "aria-label": "Previous part", on: { click: go(-1) } }, "⏮"),
      pause,
      el("button", { type: "button", id: "floor-next", "aria-label": "Next part", on: { click: go(1) } }, "⏭")));
  root.hidden = false;
  show();
  audio.addEventListener("timeupdate", show);
  audio.addEventListener("play", () => { show(); keepAwake(true); });
  audio.addEventListener("pause", () => { show(); keepAwake(false); });
  audio.addEventListener("ended", () => { keepAwake(false); root.hidden = true; });
  keepAwake(!audio.paused);
}
