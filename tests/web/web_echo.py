"""A stand-in game for the browser door's tests: speaks Textual's web-driver protocol (a
"__GANGLION__" line, then packets) and draws "pid N", "size WxH" and every key it is sent."""

from __future__ import annotations

import json
import os
import sys


def send(kind: bytes, payload: bytes) -> None:
    sys.stdout.buffer.write(kind + len(payload).to_bytes(4, "big") + payload)
    sys.stdout.buffer.flush()


def main() -> None:
    sys.stdout.buffer.write(b"__GANGLION__\n")
    send(b"D", f"pid {os.getpid()} user {os.environ.get('CONVQUEST_USER')}\r\n".encode())
    stdin = sys.stdin.buffer
    while head := stdin.read(5):
        payload = stdin.read(int.from_bytes(head[1:], "big"))
        if head[:1] == b"D":
            if payload == b"\x11":  # ctrl+q: the game quits, as the real one does
                send(b"M", json.dumps({"type": "exit"}).encode())
                return
            send(b"D", b"key " + payload + b"\r\n")
        elif head[:1] == b"M":
            meta = json.loads(payload)
            if meta.get("type") == "resize":
                send(b"D", f"size {meta['width']}x{meta['height']}\r\n".encode())


if __name__ == "__main__":
    main()
