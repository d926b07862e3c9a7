// Offline: the sessions a person marks "Keep offline" are kept on the device (the service worker answers
// for them, byte ranges included), and the page itself opens without a network.
import { OFFLINE_CACHE } from "./constants.js";
import { el } from "./dom.js";
import { href, sizeText } from "./format.js";

/** The "Keep offline" box of a session's card. */
export function keepBox(session) {
  const box = el("input", { type: "checkbox", class: "keep", "aria-label": "Keep " + session.title + " offline" });
  const label = el("label", { class: "inline" }, box, "Keep offline");
  keep(session, box, label);
  return label;
}

async function keep(session, box, label) {
  if (!("caches" in window)) { label.hidden = true; return; }
  const cache = await caches.open(OFFLINE_CACHE);
  box.checked = Boolean(await cache.match(href(session.file)));
  const size = session.size_bytes ? sizeText(session.size_bytes) : "";
  const said = () => { label.lastChild.textContent = box.checked && size ? `Kept offline (${size})` : "Keep offline"; };
  said();
  box.addEventListener("change", async () => {
    const files = [session.file, session.cover].filter(Boolean).map(href);
    if (box.checked && !confirm(`Keep ${session.title} on this phone to play without the server?` +
                                (size ? ` It takes ${size}.` : ""))) {
      box.checked = false;
      return;
    }
    try {
      if (box.checked) {
        await cache.addAll(files);
        await Promise.all([fetch("./"), fetch("api/sessions")]);  // the service worker keeps their latest copies
      } else await Promise.all(files.map((f) => cache.delete(f)));
    } catch (error) {
      box.checked = !box.checked;
      alert("Could not keep it offline: " + error.message);
    }
    said();
  });
}

export async function forget(file) {
  if ("caches" in window) (await caches.open(OFFLINE_CACHE)).delete(href(file));
}

export function registerWorker(then) {
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js", { type: "module" }).then(then).catch(() => {});
}
