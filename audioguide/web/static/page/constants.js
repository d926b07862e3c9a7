// Constants the page, its service worker and the Python server share: one place each. The server reads the
// lines below (export const NAME = JSON value;), so keep each on one line with a JSON value.
export const THEME_COLOR = "#0b5cad";
export const OFFLINE_CACHE = "audioguide-offline-v1";
export const SHELL_CACHE = "audioguide-shell-v4";
export const TOKEN_KEY = "audioguide-token";
export const BANDS = ["#cfe0f3", "#f3dfcc", "#d5ecd5", "#ecd5ea", "#f0ebc4", "#d9d9f0"];
export const POLL_MS = 400;
export const REACH_MS = 5000;
export const PAGE_FILES = ["app.css", "app.js", "api.js", "constants.js", "dom.js", "format.js", "make.js", "offline.js", "floor.js", "player.js", "subscribe.js", "today.js", "reach.js", "editor.js", "routine.js"];
