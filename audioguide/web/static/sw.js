/* audioguide's service worker: the page opens without a network (the last copy of it), and the sessions a
   person marked "Keep offline" play from the device, byte ranges included (players seek with them). */
import { OFFLINE_CACHE as OFFLINE, PAGE_FILES, SHELL_CACHE as SHELL } from "./page/constants.js";
import { byteRange } from "./page/format.js";

const SHELL_FILES = ["./", "manifest.webmanifest", "icon-192.png", "icon-512.png", "feed-cover.jpg",
                     ...PAGE_FILES.map((name) => "page/" + name)];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin) return;
  const scope = new URL(self.registration.scope).pathname;
  const page = request.mode === "navigate" || url.pathname === scope || url.pathname === scope + "index.html";
  if (page) {
    event.respondWith(networkFirst(request, new URL("./", self.registration.scope).href));
  } else if (url.pathname.startsWith(scope + "page/")
             || (url.pathname.startsWith(scope + "api/") && !url.pathname.startsWith(scope + "api/builds")
                 && url.pathname !== scope + "api/health"  // whether the server answers: never from the cache
                 && !url.pathname.startsWith(scope + "api/voices/preview"))) {  // samples: the HTTP cache keeps them
    event.respondWith(networkFirst(request, url.href));  // fresh when online; the last answer when not
  } else {
    event.respondWith(fromOfflineOrNetwork(request));
  }
});

async function networkFirst(request, key) {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(key);
    if (kept) return kept;
    throw error;
  }
}

async function fromOfflineOrNetwork(request) {
  const kept = (await caches.open(OFFLINE).then((c) => c.match(request.url, { ignoreSearch: true })))
    || (await caches.open(SHELL).then((c) => c.match(request.url, { ignoreSearch: true })));
  if (!kept) return fetch(request);
  const range = request.headers.get("Range");
  return range ? slice(kept, range) : kept;
}

async function slice(response, range) {
  // A kept copy is whole; an audio element asks for ranges: answer 206 with the part, as the server would.
  const body = await response.blob();
  const size = body.size;
  const part = byteRange(range, size);
  if (!part) return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${size}` } });
  const [start, end] = part;
  return new Response(body.slice(start, end + 1), { status: 206, headers: {
    "Content-Type": response.headers.get("Content-Type") || "audio/mpeg",
    "Content-Range": `bytes ${start}-${end}/${size}`, "Content-Length": String(end - start + 1),
    "Accept-Ranges": "bytes" } });
}
