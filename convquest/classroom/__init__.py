"""Serving ConvQuest to a class over SSH: one game per SSH session, each on its own terminal.

- `commands`: the `serve`, `quiz`, `results` and `teacher` arguments and the entry points needing no
  UI; it imports nothing heavy. `server`/`session`/`pty_child`/`hostkey`/`limits` are the SSH side
  (asyncssh is loaded only when a server starts); `session_log` records who is connected.
- `quiz` (quiz files: model, loader, validator), `sitting` (one student's resumable sitting),
  `results` (the class's SQLite database, shared by every student's process), `progress` and
  `export` (what the teacher reads). The screens for these live in convquest.ui.quiz.
"""
