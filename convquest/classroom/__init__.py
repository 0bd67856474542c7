"""Serving ConvQuest to a class over SSH: one game per SSH session, each on its own terminal.

`commands` holds the `convquest serve` entry points and imports nothing heavy; `server` (asyncssh)
is loaded only when a server starts.
"""
