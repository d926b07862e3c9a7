// The server's API: the key that lets the page make and delete sessions, and calls with it.
import { TOKEN_KEY } from "./constants.js";
import { checkServer } from "./reach.js";

/** The key comes once in the page's address (?token=...): keep it, and take it out of the address bar. */
export function takeToken() {
  const params = new URLSearchParams(location.search);
  if (params.get("token")) {
    localStorage.setItem(TOKEN_KEY, params.get("token"));
    params.delete("token");
    history.replaceState(null, "", location.pathname + (params.toString() ? "?" + params : "") + location.hash);
  }
}

export const token = () => localStorage.getItem(TOKEN_KEY);

/** What a page whose key the server refuses should do (the server was given a new key, or none was kept). */
export const REFUSED_KEY = "This phone's key is not accepted any more: scan the code that 'audioguide serve' " +
  "shows again (or open the page address it prints).";

/** What a call says when the server does not answer. */
export const UNREACHABLE = "The server cannot be reached: this needs it. Sessions kept offline still play.";

/** A call with the key; the server's one-line error becomes the Error's message. */
export async function call(method, path, body) {
  const headers = { "Authorization": "Bearer " + (token() || "") };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {  // no answer at all: the banner is checked at once
    checkServer();
    throw new Error(UNREACHABLE);
  }
  let answer = {};
  try { answer = await response.json(); } catch (error) { answer = {}; }
  if (response.status === 403) throw new Error(REFUSED_KEY);
  if (!response.ok) throw new Error(answer.error || response.status + " " + response.statusText);
  return answer;
}

export const get = (path) => fetch(path).then((r) => r.json());
