// textual-serve's page script reads the websocket's address from the terminal's data attribute;
// it is this page's own host, over wss: when the page came over https: (directly or via a proxy).
const terminal = document.getElementById("terminal");
terminal.dataset.sessionWebsocketUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
// It also reads the font size once, and a game in fewer than 80×24 cells only asks for a bigger
// terminal: on a small screen (a 1024×600 Chromebook) the font shrinks until 80×24 fits, with a
// cell or so to spare. A Roboto Mono cell is 0.6 of the font size wide and 1.32 high.
const fits = Math.floor(Math.min(innerWidth / (82 * 0.61), innerHeight / (25 * 1.34)));
terminal.dataset.fontSize = String(Math.max(10, Math.min(16, fits)));
