"""A stand-in for the game in SSH tests: reports the terminal it was given and echoes keys.

It deliberately does not set its terminal mode itself, so what it reports is what the server
prepared. Output lines end in CRLF because the terminal is raw (no newline translation).
Typing "q" exits with status 3. With --ignore-hup it survives SIGHUP (to test the SIGKILL).
With --like-textual it first sets the terminal as Textual does (alternate screen, cursor hidden,
line wrap off, mouse and focus reporting on) and never restores it, as a game killed mid-run.
"""

import fcntl
import os
import signal
import struct
import sys
import termios


def size() -> str:
    rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(0, termios.TIOCGWINSZ, b"\0" * 8))
    return f"{cols}x{rows}"


def out(line: str) -> None:
    os.write(1, (line + "\r\n").encode())


def main() -> int:
    if "--ignore-hup" in sys.argv:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    if "--like-textual" in sys.argv:
        os.write(1, b"\x1b[?1049h\x1b[?25l\x1b[?7l\x1b[?1003h\x1b[?1006h\x1b[?1004h\x1b[?2004h")
    out(f"pid {os.getpid()}")
    out(f"size {size()}")
    out(
        f"env user={os.environ.get('CONVQUEST_USER')} served={os.environ.get('CONVQUEST_SERVED')} "
        f"term={os.environ.get('TERM')} lang={os.environ.get('LC_ALL')}"
    )
    try:
        os.close(os.open("/dev/tty", os.O_RDWR))  # succeeds only with a controlling terminal
        out("ctty yes")
    except OSError:
        out("ctty no")
    lflag = termios.tcgetattr(0)[3]
    out(f"mode echo={'on' if lflag & termios.ECHO else 'off'} canon={'on' if lflag & termios.ICANON else 'off'}")
    signal.signal(signal.SIGWINCH, lambda *_: out(f"winch {size()}"))
    out("ready")
    while True:
        data = os.read(0, 1024)
        if not data:
            return 0
        out(f"key {data!r}")
        if b"q" in data:
            return 3


if __name__ == "__main__":
    sys.exit(main())
