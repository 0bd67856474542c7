"""The server's host key: generated once into the data dir and reused.

Reusing it matters: students' ssh clients remember the key, and a new key on every start would
make them face a "REMOTE HOST IDENTIFICATION HAS CHANGED" warning each lesson.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import asyncssh

KEY_NAME = "ssh_host_ed25519_key"

log = logging.getLogger("convquest.classroom")


def load_or_create_host_key(data_dir: Path) -> asyncssh.SSHKey:
    path = data_dir / KEY_NAME
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            # Anyone who can read the key can impersonate the server to the students.
            log.warning("host key %s was readable by others (mode %o); restricting it to 0600", path, mode)
            path.chmod(0o600)
        return asyncssh.read_private_key(path)

    data_dir.mkdir(parents=True, exist_ok=True)
    key = asyncssh.generate_private_key("ssh-ed25519", comment="convquest")
    # O_EXCL: if two servers start at once, one of them fails here instead of both writing a key.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key.export_private_key())
    key.write_public_key(path.with_name(KEY_NAME + ".pub"))
    log.info("generated host key %s (%s)", path, key.get_fingerprint())
    return key
