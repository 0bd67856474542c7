"""The browser door on loopback: a class sits a quiz in browser tabs, played by websocket clients.

The server runs in its own process (as `convquest serve --web-port` would), and each "tab" is an
aiohttp client doing what textual-serve's page script does: log in through the form (the cookie),
open /ws, send keys as ["stdin", ...] and read the screen's bytes. First one student alone (the
baseline), then N at once (CONVQUEST_BENCH_WEB_SESSIONS, default 30), once with browser games
forked from the door's warm parent and once as fresh processes, each figure beside the other:
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
    LATENCY_GOAL_MS,
    QUIT,
    Client,
    Server,
    _saved_answers,
    drawn_row,
    kept_rows,
    left_running,
    p95,
    quiz_class,
)
from benchmarks.row import Row


class WebServer(Server):
    """The SSH benchmark's server process (its games counted, stopped the same way), with the door;
    with warm sessions it has two warm parents, the SSH door's (idle here) and the browser door's."""

    def __init__(self, warm: bool) -> None:
        super().__init__("quiz", warm=warm, web=True)

    def games_pss_mb(self) -> list[float]:
        """Each game's proportional set size in MB, with its share of the browser door's warm
        parent; [] without /proc."""
        per_game = self.pss_per_session()
        return [] if per_game is None else [per_game] * len(self.sessions() or [])


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


def _measure(count: int, drop: int, warm: bool) -> tuple[dict, dict, int | None, dict[str, int]]:
    server = WebServer(warm)
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
    fresh = _measure(count, drop, warm=False)
    warm = _measure(count, drop, warm=True)
    rows = []
    for label, (_, crowd, left, saved) in (("web quiz", warm), ("web quiz --no-warm", fresh)):
        rows.append(drawn_row(f"{label}: first questions drawn", count, crowd, "tabs"))
        rows += kept_rows(label, count, drop, crowd, left, saved, "tabs", "dropped")
    return rows + _compared(count, warm[:2], fresh[:2])


def _compared(count: int, warm: tuple[dict, dict], fresh: tuple[dict, dict]) -> list[Row]:
    """Warm sessions' figures, each beside the same run's fresh processes'."""
    (alone, crowd), (fresh_alone, fresh_crowd) = warm, fresh
    rows = []
    if crowd["drawn"] and fresh_crowd["drawn"]:
        rows.append(
            Row(
                f"web quiz: time to draw all {count}, warm",
                f"{crowd['draw_all']:.1f} s",
                f"{fresh_crowd['draw_all']:.1f} s fresh",
                crowd["draw_all"] / fresh_crowd["draw_all"],
                "",
                None,
            )
        )
    if alone["first_draws"] and fresh_alone["first_draws"]:
        rows.append(
            Row(
                "web quiz: login to first question, alone, warm",
                f"{alone['first_draws'][0]:.2f} s",
                f"{fresh_alone['first_draws'][0]:.2f} s fresh",
                alone["first_draws"][0] / fresh_alone["first_draws"][0],
                "",
                None,
            )
        )
    if crowd["pss"] and fresh_crowd["pss"]:
        figure, base = (sum(c["pss"]) / len(c["pss"]) for c in (crowd, fresh_crowd))
        rows.append(
            Row(
                f"web quiz: memory per game (PSS), {len(crowd['pss'])} running, warm",
                f"{figure:.1f} MB",
                f"{base:.1f} MB fresh",
                figure / base,
                "",
                None,
            )
        )
    if crowd["latencies"] and fresh_crowd["latencies"]:
        figure, base = p95(crowd["latencies"]), p95(fresh_crowd["latencies"])
        rows.append(
            Row(
                f"web quiz: key echo p95, {count} answering, warm",
                f"{figure * 1000:.1f} ms",
                f"{base * 1000:.1f} ms fresh",
                figure / base,
                f"<= {LATENCY_GOAL_MS} ms",
                figure * 1000 <= LATENCY_GOAL_MS,
            )
        )
    return rows


if __name__ == "__main__":
    from benchmarks.row import format_table

    print(format_table(run()))
