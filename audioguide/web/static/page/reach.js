// Whether the server answers. While it does not, a banner says so, the sessions kept offline go on playing,
// and making waits (the buttons that need the server say why). Checked every few seconds, when the phone's
// network comes or goes, when the page is shown again, and at once when a call to the server fails.
import { REACH_MS } from "./constants.js";
import { byId } from "./dom.js";

let reachable = true;
const listeners = [];

/** True while the server answers (as far as the page last saw). */
export const reaches = () => reachable;

/** fn(reachable) is told each time the answer changes. */
export const whenReachChanges = (fn) => listeners.push(fn);

/** Asks the server now; resolves with whether it answered. */
export async function checkServer() {
  let answered = false;
  try { answered = (await fetch("api/health", { cache: "no-store" })).ok; } catch (error) { answered = false; }
  if (answered !== reachable) {
    reachable = answered;
    byId("offline").hidden = answered;
    listeners.forEach((fn) => fn(answered));
  }
  return answered;
}

export function watchServer() {
  checkServer();
  setInterval(checkServer, REACH_MS);
  addEventListener("online", checkServer);
  addEventListener("offline", checkServer);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) checkServer(); });
}
