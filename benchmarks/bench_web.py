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
import random
import time

from benchmarks.bench_ssh import (
    CODE,
    QUIT,
    THINK_SECONDS,
    Client,
    Server,
    _pss_kb,
    _saved_answers,
    drawn_row,
    echo_row,
    kept_rows,
    left_running,
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


async def _class(server: WebServer, count: int, drop: int, prefix: str) -> dict:
    tabs = [Tab(f"{prefix}{n:03d}") for n in range(count)]
    started = time.perf_counter()
    logins = await asyncio.gather(
        *(t.log_in(server.port, b"question 1 of 3", timeout=120) for t in tabs), return_exceptions=True
    )
    drawn = [t for t, r in zip(tabs, logins) if not isinstance(r, BaseException)]
    draw_all = time.perf_counter() - started
    first_draws = [r for r in logins if not isinstance(r, BaseException)]
    pss = server.games_pss_mb()

    async def sit(tab: Tab, index: int, rng: random.Random) -> list[float]:
        await asyncio.sleep(rng.uniform(*THINK_SECONDS))
        latencies, _ = await tab.answer(str(rng.randint(2, 15)), b"question 2 of 3")
        await tab.leave(abruptly=index < drop)  # acknowledged: from here on it must survive
        return latencies

    rngs = [random.Random(n) for n in range(len(drawn))]  # the same class every run
    sat = await asyncio.gather(*(sit(t, i, r) for i, (t, r) in enumerate(zip(drawn, rngs))), return_exceptions=True)
    for tab in tabs:
        if tab not in drawn:
            await tab.leave(abruptly=True)
    return {
        "drawn": len(drawn),
        "draw_all": draw_all,
        "first_draws": first_draws,
        "pss": pss,
        "acknowledged": [t.name for t, r in zip(drawn, sat) if not isinstance(r, BaseException)],
        "latencies": [v for r in sat if not isinstance(r, BaseException) for v in r],
        "errors": [repr(r) for r in list(logins) + list(sat) if isinstance(r, BaseException)][:3],
    }


def _measure(count: int, drop: int) -> tuple[dict, dict, int | None, dict[str, int]]:
    server = WebServer()
    try:
        alone = asyncio.run(_class(server, 1, drop=0, prefix="alone"))
        crowd = asyncio.run(_class(server, count, drop, prefix="s"))
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
