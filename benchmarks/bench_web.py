"""The browser door on loopback: a class sits a quiz in browser tabs, played by websocket clients.

The server runs in its own process (as `convquest serve --web-port` would), and each "tab" is an
aiohttp client doing what textual-serve's page script does: log in through the form (the cookie),
open /ws, send keys as ["stdin", ...] and read the screen's bytes. First one student alone (the
baseline), then N at once (CONVQUEST_BENCH_WEB_SESSIONS, default 30):
- time until every first question is drawn, and each game's memory (PSS) while all are running;
- p95 key echo (a key sent on a quiet screen until the first screen bytes back), while each
  student types an answer key by key after a seeded pause (the SSH benchmark's class and goal);
- answers lost: students whose answer the quiz acknowledged (the next question was drawn) but is
  missing from the results database afterwards, with a third of the tabs dropped abruptly right
  after answering (goal 0); and games left running after that (goal 0).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time

from benchmarks.bench_ssh import (
    CODE,
    QUIT,
    Client,
    Server,
    _pss_kb,
    _saved_answers,
    drawn_row,
    echo_row,
    kept_rows,
    left_running,
    quiz_class,
)
from benchmarks.row import Row


class WebServer(Server):
    """The SSH benchmark's server process (its games counted, stopped the same way), with the door."""

    def __init__(self) -> None:
        super().__init__("quiz", web=True)

    def games_pss_mb(self) -> list[float]:
        """Each game's proportional set size (its share of memory), in MB; [] without /proc."""
        return [_pss_kb(pid) / 1024 for pid in self.sessions() or []]


class Tab(Client):
    """One browser tab: its own cookie jar and the game's websocket."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._client = None
        self._ws = None

    async def log_in(self, port: int, marker: bytes, timeout: float) -> float:
        import aiohttp

        started = time.perf_counter()
        self._client = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        base = f"http://127.0.0.1:{port}"
        async with self._client.post(base + "/login", data={"student": self.name, "password": CODE}) as response:
            if response.status != 200:
                raise RuntimeError(f"login answered {response.status}")
        self._ws = await self._client.ws_connect(base + "/ws?width=100&height=30")
        self._reader = asyncio.ensure_future(self._read())
        await self.wait_for(marker, timeout)
        return time.perf_counter() - started

    async def _read(self) -> None:
        import aiohttp

        async for message in self._ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self._drew(message.data)
        self._output.set()  # wakes wait_for, to say the game has ended

    async def _send(self, keys: bytes) -> None:
        await self._ws.send_str(json.dumps(["stdin", keys.decode()]))

    async def leave(self, abruptly: bool) -> None:
        if not abruptly and self._ws is not None:
            await self._send(QUIT)
            if self._reader is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._reader, 10)  # the game quits and closes the socket
        # Closing the client drops its connections without a websocket goodbye: a tab killed.
        if self._client is not None:
            await self._client.close()
        if self._reader is not None:
            self._reader.cancel()


def _measure(count: int, drop: int) -> tuple[dict, dict, int | None, dict[str, int]]:
    server = WebServer()
    try:
        alone = asyncio.run(quiz_class([Tab("alone000")], server.port, drop=0))
        crowd = asyncio.run(
            quiz_class([Tab(f"s{n:03d}") for n in range(count)], server.port, drop, server.games_pss_mb)
        )
        return alone, crowd, left_running(server), _saved_answers(server.data_dir)
    finally:
        server.stop()


def run() -> list[Row]:
    count = int(os.environ.get("CONVQUEST_BENCH_WEB_SESSIONS", "30"))
    drop = count // 3
    alone, crowd, left, saved = _measure(count, drop)
    rows = [drawn_row("web quiz: first questions drawn", count, crowd, "tabs")]
    if alone["first_draws"]:
        rows.append(
            Row("web quiz: login to first question, alone", f"{alone['first_draws'][0]:.2f} s", "", None, "", None)
        )
    if alone["draw_all"]:
        rows.append(
            Row(
                f"web quiz: time to draw all {count}",
                f"{crowd['draw_all']:.1f} s",
                f"{alone['draw_all']:.2f} s alone",
                crowd["draw_all"] / alone["draw_all"],
                "",
                None,
            )
        )
    if crowd["pss"]:
        rows.append(
            Row(
                f"web quiz: memory per game (PSS), {len(crowd['pss'])} running",
                f"{sum(crowd['pss']) / len(crowd['pss']):.1f} MB",
                "",
                None,
                "",
                None,
            )
        )
    if crowd["latencies"] and alone["latencies"]:
        rows.append(echo_row(f"web quiz: key echo p95, {count} answering", alone, crowd))
    return rows + kept_rows("web quiz", count, drop, crowd, left, saved, "tabs", "dropped")


if __name__ == "__main__":
    from benchmarks.row import format_table

    print(format_table(run()))
