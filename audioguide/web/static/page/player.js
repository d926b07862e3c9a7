// The sessions: a card each (player, timeline, chapters), the chapter playing followed, and the lock screen
// (Media Session) showing the exercise playing now with next and previous chapter.
import { BANDS } from "./constants.js";
import { el, byId } from "./dom.js";
import { followOnTheFloor } from "./floor.js";
import { chapterAt, clock, href, jumpTarget, madeWith, reachedOutro } from "./format.js";

let active = null;  // the session whose player plays now: { session, audio }

/** Shows the sessions. A card whose session is unchanged is kept as it is (its player goes on playing, its
 * position and offline box stay); only new or changed sessions get a new card. done(session, seconds) is told
 * once per card when a session plays into its outro. */
export function render(groups, extras, done = () => {}) {
  const root = byId("sessions");
  const shown = new Map([...root.querySelectorAll("article.session")].map((node) => [node.dataset.key, node]));
  const reuse = (s) => shown.get(JSON.stringify(s)) || card(s, extras, done);
  if (!groups.length) {
    root.replaceChildren(el("p", { class: "note" }, "No sessions yet: make one above, or run audioguide build."));
    return;
  }
  root.replaceChildren(...groups.map((group) => el("section", { class: "group", "aria-label": group.title },
    el("h2", {}, group.title), group.sessions.map(reuse))));
}

/** extras(session, node) gives the card's actions (keep offline, delete). */
function card(session, extras, done) {
  const audio = el("audio", { controls: true, preload: "metadata", src: href(session.file),
                              "aria-label": "Play " + session.title });
  const seek = (start) => () => { audio.currentTime = start; audio.play(); };
  const segments = session.chapters.map((c, i) => el("button", {
    type: "button", title: c.title, "aria-label": "Go to " + c.title + " at " + clock(c.start_s),
    style: `flex-grow:${Math.max(c.end_s - c.start_s, 0.001)};flex-basis:0;background:${BANDS[i % BANDS.length]}`,
    on: { click: seek(c.start_s) } }, ""));
  const items = session.chapters.map((c) => el("li", {}, el("button", { type: "button", dataset: { seek: c.start_s },
    on: { click: seek(c.start_s) } }, el("span", { class: "at" }, clock(c.start_s)), el("span", {}, c.title))));
  const actions = el("div", { class: "row actions" });
  const node = el("article", { class: "card session", id: "session-" + session.file,
                                    dataset: { file: session.file, key: JSON.stringify(session) } },
    el("h3", {}, session.title),
    el("p", { class: "meta" }, clock(session.duration_s) + " · " + session.date),
    ...(madeWith(session) ? [el("p", { class: "session-how" }, madeWith(session))] : []),
    audio,
    el("div", { class: "timeline", role: "group", "aria-label": "Timeline of " + session.title }, segments),
    el("details", { class: "chapter-list" }, el("summary", {}, `Chapters (${items.length})`),
       el("ol", { class: "chapters", "aria-label": "Chapters of " + session.title }, items)),
    actions);
  actions.append(...extras(session, node));
  let current = -1;
  const buttons = items.map((li) => li.firstChild);
  const follow = () => {
    const index = chapterAt(session.chapters, audio.currentTime);
    if (index === current) return;
    current = index;
    [buttons, segments].forEach((list) => list.forEach((b, i) => {
      b.classList.toggle("current", i === index);
      if (i === index) b.setAttribute("aria-current", "true"); else b.removeAttribute("aria-current");
    }));
    if (active && active.audio === audio) showOnLockScreen(session, index);
  };
  audio.addEventListener("play", () => {
    document.querySelectorAll("audio").forEach((other) => { if (other !== audio) other.pause(); });
    if (!active || active.audio !== audio) followOnTheFloor(session, audio);
    active = { session, audio };
    current = -1;
    follow();
  });
  audio.addEventListener("timeupdate", follow);
  resumeFromTheKeptCopy(audio, session);
  let told = false;
  audio.addEventListener("timeupdate", () => {
    if (!told && !audio.paused && reachedOutro(session.chapters, audio.currentTime)) {
      told = true;
      done(session, audio.currentTime);
    }
  });
  return node;
}

/** A player that was reading the session from the server when it stopped answering (it began before the
 * session was kept, and the stream it had open broke) starts again from the copy kept on the phone: at the
 * same place, playing if it was. Once per break: a copy that cannot play either leaves the error shown. */
function resumeFromTheKeptCopy(audio, session) {
  let wanted = false;
  let retried = false;
  audio.addEventListener("play", () => { wanted = true; });
  audio.addEventListener("pause", () => { if (!audio.error) wanted = false; });
  audio.addEventListener("playing", () => { retried = false; });
  audio.addEventListener("error", async () => {
    if (retried || !audio.error || audio.error.code !== MediaError.MEDIA_ERR_NETWORK || !("caches" in window)) return;
    if (!(await caches.match(href(session.file)))) return;
    retried = true;
    const at = audio.currentTime;
    const play = wanted;
    audio.addEventListener("loadedmetadata", () => {
      audio.currentTime = at;
      if (play) audio.play().catch(() => {});
    }, { once: true });
    audio.load();
  });
}

function showOnLockScreen(session, index) {
  if (!("mediaSession" in navigator)) return;
  navigator.mediaSession.metadata = new MediaMetadata({
    title: session.chapters[index] ? session.chapters[index].title : session.title,
    artist: session.group_title, album: session.title,
    artwork: [{ src: session.cover ? href(session.cover) : "feed-cover.jpg", sizes: "1400x1400", type: "image/jpeg" }] });
}

function jump(step) {
  if (!active) return;
  const { session, audio } = active;
  audio.currentTime = session.chapters[jumpTarget(session.chapters, audio.currentTime, step)].start_s;
}

export function lockScreenControls() {
  if (!("mediaSession" in navigator)) return;
  navigator.mediaSession.setActionHandler("nexttrack", () => jump(1));
  navigator.mediaSession.setActionHandler("previoustrack", () => jump(-1));
  navigator.mediaSession.setActionHandler("play", () => active && active.audio.play());
  navigator.mediaSession.setActionHandler("pause", () => active && active.audio.pause());
}
