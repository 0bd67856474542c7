// textual-serve's page script reads the websocket's address from the terminal's data attribute;
// it is this page's own host, over wss: when the page came over https: (directly or via a proxy).
document.getElementById("terminal").dataset.sessionWebsocketUrl =
  (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
