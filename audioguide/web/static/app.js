/* audioguide's page: sessions to play (chapters, lock-screen controls, offline copies), subscribing, and making
   a new session through the server's API. Plain JavaScript, no build step. */
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("data").textContent);
  const OFFLINE = "audioguide-offline-v1";
  const TOKEN = "audioguide-token";
  const bands = ["#cfe0f3", "#f3dfcc", "#d5ecd5", "#ecd5ea", "#f0ebc4", "#d9d9f0"];
  let active = null;  // the session whose player plays now

  // The key to make and delete sessions comes once in the page's address (?token=...) and is kept.
  const params = new URLSearchParams(location.search);
  if (params.get("token")) {
    localStorage.setItem(TOKEN, params.get("token"));
    params.delete("token");
    history.replaceState(null, "", location.pathname + (params.toString() ? "?" + params : "") + location.hash);
  }
  const token = () => localStorage.getItem(TOKEN);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "on") { for (const [type, fn] of Object.entries(value)) node.addEventListener(type, fn); }
      else if (key === "dataset") { Object.assign(node.dataset, value); }
      else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(child));
    return node;
  }

  function clock(seconds) {
    const s = Math.round(seconds), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = s % 60;
    const two = (n) => String(n).padStart(2, "0");
    return (h ? two(h) + ":" : "") + two(m) + ":" + two(r);
  }

  async function call(method, path, body) {
    const headers = { "Authorization": "Bearer " + (token() || "") };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    let answer = {};
    try { answer = await response.json(); } catch (e) { answer = {}; }
    if (!response.ok) throw new Error(answer.error || response.status + " " + response.statusText);
    return answer;
  }

  // -- sessions ------------------------------------------------------------------------------------------

  // A session's file as a link beside the page: its name may hold '#', '?', '%' or spaces.
  const href = (name) => encodeURIComponent(name);

  function chapterAt(session, t) {
    let index = 0;
    session.chapters.forEach((c, i) => { if (t >= c.start_s - 0.05) index = i; });
    return index;
  }

  function card(session) {
    const audio = el("audio", { controls: true, preload: "metadata", src: href(session.file),
                                "aria-label": "Play " + session.title });
    const seek = (start) => () => { audio.currentTime = start; audio.play(); };
    const segments = session.chapters.map((c, i) => el("button", {
      type: "button", title: c.title, "aria-label": "Go to " + c.title + " at " + clock(c.start_s),
      style: `flex-grow:${Math.max(c.end_s - c.start_s, 0.001)};flex-basis:0;background:${bands[i % bands.length]}`,
      on: { click: seek(c.start_s) } }, ""));
    const items = session.chapters.map((c) => el("li", {}, el("button", { type: "button", dataset: { seek: c.start_s },
      on: { click: seek(c.start_s) } }, el("span", { class: "at" }, clock(c.start_s)), el("span", {}, c.title))));
    const keep = el("input", { type: "checkbox", class: "keep", "aria-label": "Keep " + session.title + " offline" });
    const node = el("article", { class: "card session", id: "session-" + session.file, dataset: { file: session.file } },
      el("h3", {}, session.title),
      el("p", { class: "meta" }, clock(session.duration_s) + " · " + session.date),
      audio,
      el("div", { class: "timeline", role: "group", "aria-label": "Timeline of " + session.title }, segments),
      el("ol", { class: "chapters", "aria-label": "Chapters of " + session.title }, items),
      el("div", { class: "row actions" },
        el("label", { class: "inline" }, keep, "Keep offline"),
        data.api ? el("button", { type: "button", class: "danger delete", on: { click: () => remove(session, node) } },
                      "Delete") : ""));
    let current = -1;
    const buttons = items.map((li) => li.firstChild);
    audio.addEventListener("play", () => {
      document.querySelectorAll("audio").forEach((other) => { if (other !== audio) other.pause(); });
      active = { session, audio };
      current = -1;
      follow();
    });
    audio.addEventListener("timeupdate", follow);
    function follow() {
      const index = chapterAt(session, audio.currentTime);
      if (index === current) return;
      current = index;
      [buttons, segments].forEach((list) => list.forEach((b, i) => {
        b.classList.toggle("current", i === index);
        if (i === index) b.setAttribute("aria-current", "true"); else b.removeAttribute("aria-current");
      }));
      if (active && active.audio === audio) showOnLockScreen(session, index);
    }
    offline(session, keep);
    return node;
  }

  function render(groups) {
    const root = document.getElementById("sessions");
    root.replaceChildren();
    if (!groups.length) {
      root.append(el("p", { class: "note" }, "No sessions yet: make one above, or run audioguide build."));
      return;
    }
    for (const group of groups) {
      root.append(el("section", { class: "group", "aria-label": group.title },
        el("h2", {}, group.title), group.sessions.map(card)));
    }
  }

  async function remove(session, node) {
    if (!confirm("Delete " + session.title + " and the files beside it?")) return;
    try {
      await call("DELETE", "api/sessions/" + encodeURIComponent(session.file));
      node.remove();
      if ("caches" in window) (await caches.open(OFFLINE)).delete(href(session.file));
    } catch (error) {
      alert("Could not delete: " + error.message);
    }
  }

  // -- lock screen: the routine, the exercise playing now as the title, the cover; next and previous chapters --

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
    const index = chapterAt(session, audio.currentTime);
    let target = index + step;
    if (step < 0 && audio.currentTime - session.chapters[index].start_s > 3) target = index;
    target = Math.max(0, Math.min(session.chapters.length - 1, target));
    audio.currentTime = session.chapters[target].start_s;
  }

  if ("mediaSession" in navigator) {
    navigator.mediaSession.setActionHandler("nexttrack", () => jump(1));
    navigator.mediaSession.setActionHandler("previoustrack", () => jump(-1));
    navigator.mediaSession.setActionHandler("play", () => active && active.audio.play());
    navigator.mediaSession.setActionHandler("pause", () => active && active.audio.pause());
  }

  // -- offline copies ------------------------------------------------------------------------------------

  async function offline(session, box) {
    if (!("caches" in window) || !data.api) { box.closest("label").hidden = true; return; }
    const cache = await caches.open(OFFLINE);
    box.checked = Boolean(await cache.match(href(session.file)));
    box.addEventListener("change", async () => {
      const files = [session.file, session.cover].filter(Boolean).map(href);
      try {
        if (box.checked) {
          await cache.addAll(files);
          await Promise.all([fetch("./"), fetch("api/sessions")]);  // the service worker keeps their latest copies
        } else await Promise.all(files.map((f) => cache.delete(f)));
      } catch (error) {
        box.checked = !box.checked;
        alert("Could not keep it offline: " + error.message);
      }
    });
  }

  // -- subscribing -----------------------------------------------------------------------------------------

  function subscribe() {
    const feed = data.api ? new URL("feed.xml", location.href).href : data.feed;
    const field = document.getElementById("feed-url");
    field.value = feed;
    const bare = feed.replace(/^https?:\/\//, "");
    const apps = [["Apple Podcasts", "podcast://" + bare], ["Overcast", "overcast://x-callback-url/add?url=" +
      encodeURIComponent(feed)], ["Pocket Casts", "pktc://subscribe/" + bare], ["AntennaPod",
      "antennapod-subscribe://" + bare], ["Podcast Addict", "podcastaddict://" + bare]];
    document.getElementById("apps").replaceChildren(...apps.map(([name, href]) =>
      el("li", {}, el("a", { class: "button", href }, name))));
    document.getElementById("copy").addEventListener("click", async () => {
      const said = document.getElementById("copied");
      try { await navigator.clipboard.writeText(feed); said.textContent = "Copied."; }
      catch (error) { field.select(); said.textContent = "Selected: copy it with your keyboard or menu."; }
    });
  }

  // -- making a session ------------------------------------------------------------------------------------

  async function make() {
    const form = document.getElementById("make-form");
    const what = document.getElementById("what"), minutes = document.getElementById("minutes");
    const shown = document.getElementById("minutes-shown"), status = document.getElementById("build-stage");
    const bar = document.getElementById("build-progress"), submit = document.getElementById("make-button");
    const [routines, programs, voices, music] = await Promise.all(
      ["api/routines", "api/programs", "api/voices", "api/music"].map((p) => fetch(p).then((r) => r.json())));
    const options = [];
    routines.routines.forEach((r) => options.push(el("option", { value: "routine:" + r.id, dataset: {
      min: r.shortest_minutes, max: r.longest_minutes } }, r.title)));
    programs.programs.forEach((p) => options.push(el("option", { value: "program:" + p.id }, p.title + " (a day of it)")));
    what.replaceChildren(...options);
    document.getElementById("voice").replaceChildren(...voices.voices.map((v) =>
      el("option", { value: v.engine + ":" + v.voice }, v.label)));
    document.getElementById("music").replaceChildren(el("option", { value: "" }, "No music"),
      ...music.music.map((m) => el("option", { value: m }, m)));
    const sync = () => {
      const chosen = what.selectedOptions[0];
      const program = what.value.startsWith("program:");
      document.getElementById("program-day").hidden = !program;
      document.getElementById("length").hidden = program;
      if (!program && chosen) {
        minutes.min = Math.ceil(Number(chosen.dataset.min) * 2) / 2;
        minutes.max = Math.floor(Number(chosen.dataset.max) * 2) / 2;
        minutes.value = Math.min(Math.max(Number(minutes.value), Number(minutes.min)), Number(minutes.max));
      }
      shown.textContent = minutes.value;
    };
    what.addEventListener("change", sync);
    minutes.addEventListener("input", () => { shown.textContent = minutes.value; });
    document.querySelectorAll(".presets button").forEach((b) => b.addEventListener("click", () => {
      minutes.value = b.dataset.minutes; shown.textContent = minutes.value;
    }));
    document.getElementById("start").value = new Date().toISOString().slice(0, 10);
    sync();
    if (!token()) {
      document.getElementById("no-token").hidden = false;
      submit.disabled = true;
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const [kind, id] = what.value.split(/:(.*)/s);
      const [engine, voice] = document.getElementById("voice").value.split(/:(.*)/s);
      const body = kind === "program"
        ? { program: id, day: Number(document.getElementById("day").value), start: document.getElementById("start").value }
        : { routine: id, minutes: Number(minutes.value) };
      Object.assign(body, { engine, voice });
      if (document.getElementById("music").value) body.music = document.getElementById("music").value;
      submit.disabled = true;
      document.getElementById("build").hidden = false;
      bar.value = 0;
      status.textContent = "Queued";
      status.classList.remove("error");
      try {
        const job = await call("POST", "api/builds", body);
        const done = await watch(job.id, bar, status);
        await refresh();
        const player = document.getElementById("session-" + done.file).querySelector("audio");
        player.scrollIntoView({ behavior: "smooth", block: "center" });
        player.play().catch(() => {});
      } catch (error) {
        status.textContent = error.message;
        status.classList.add("error");
      } finally {
        submit.disabled = false;
      }
    });
  }

  function watch(id, bar, status) {
    return new Promise((resolve, reject) => {
      const tick = async () => {
        try {
          const job = await fetch("api/builds/" + id).then((r) => r.json());
          bar.value = job.progress;
          status.textContent = { queued: "Queued", running: "Making: " + job.stage, done: "Done", failed: job.error }[job.state];
          if (job.state === "done") return resolve(job);
          if (job.state === "failed") return reject(new Error(job.error));
          setTimeout(tick, 400);
        } catch (error) { reject(error); }
      };
      tick();
    });
  }

  async function refresh() {
    // The sessions as the server knows them now (or, offline, as the service worker last saw them).
    try { render((await fetch("api/sessions").then((r) => r.json())).groups); } catch (error) { /* keep what is shown */ }
  }

  subscribe();
  render(data.groups);
  if (data.api) {
    document.getElementById("make").hidden = false;
    make();
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js").then(refresh).catch(() => {});
  }
})();
