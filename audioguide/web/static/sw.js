/* audioguide's service worker: the page opens without a network (the last copy of it), and the sessions a
   person marked "Keep offline" play from the device, byte ranges included (players seek with them). */
"use strict";
const SHELL = "audioguide-shell-v1";
const OFFLINE = "audioguide-offline-v1";
const SHELL_FILES = ["./", "manifest.webmanifest", "icon-192.png", "icon-512.png", "feed-cover.jpg"];

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
  } else if (url.pathname.startsWith(scope + "api/") && !url.pathname.startsWith(scope + "api/builds")) {
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
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  const size = body.size;
  let start = 0, end = size - 1;
  if (match && match[1] !== "") { start = Number(match[1]); if (match[2] !== "") end = Math.min(Number(match[2]), size - 1); }
  else if (match && match[2] !== "") { start = Math.max(0, size - Number(match[2])); }
  if (!match || start >= size || start > end) {
    return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${size}` } });
  }
  return new Response(body.slice(start, end + 1), { status: 206, headers: {
    "Content-Type": response.headers.get("Content-Type") || "audio/mpeg",
    "Content-Range": `bytes ${start}-${end}/${size}`, "Content-Length": String(end - start + 1),
    "Accept-Ranges": "bytes" } });
}
