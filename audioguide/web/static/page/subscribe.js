// Subscribing: the feed's address to copy, a QR code (drawn by the server), and links into podcast apps.
import { el, byId } from "./dom.js";

export function podcastApps(feed) {
  const bare = feed.replace(/^https?:\/\//, "");
  return [["Apple Podcasts", "podcast://" + bare], ["Overcast", "overcast://x-callback-url/add?url=" +
    encodeURIComponent(feed)], ["Pocket Casts", "pktc://subscribe/" + bare], ["AntennaPod",
    "antennapod-subscribe://" + bare], ["Podcast Addict", "podcastaddict://" + bare]];
}

export function subscribe(feed) {
  const field = byId("feed-url");
  field.value = feed;
  byId("apps").replaceChildren(...podcastApps(feed).map(([name, link]) =>
    el("li", {}, el("a", { class: "button", href: link }, name))));
  byId("copy").addEventListener("click", async () => {
    const said = byId("copied");
    try { await navigator.clipboard.writeText(feed); said.textContent = "Copied."; }
    catch (error) { field.select(); said.textContent = "Selected: copy it with your keyboard or menu."; }
  });
}
