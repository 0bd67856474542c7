"""Topics ("kind/variant") offered by the engine's generators, and stable per-problem seeds."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable


def all_topics() -> list[str]:
    """Every "kind/variant" the engine can generate, in the engine's own (curriculum) order."""
    from convquest.engine import problems

    return [f"{kind}/{variant}" for kind in problems.KINDS for variant in problems.variants(kind)]


def select_topics(wanted: Iterable[str] | None, available: list[str] | None = None) -> list[str]:
    """Narrow the topics to what ``--topic`` asked for: a whole kind or one kind/variant.

    Raises ValueError naming the unknown choice and listing what exists, so the command line can
    print something the student can act on.
    """
    available = all_topics() if available is None else list(available)
    wanted = [w.strip() for w in (wanted or []) if w and w.strip()]
    if not wanted:
        return available
    chosen: list[str] = []
    for w in wanted:
        matches = [t for t in available if t == w or t.split("/", 1)[0] == w]
        if not matches:
            kinds = sorted({t.split("/", 1)[0] for t in available})
            raise ValueError(
                f"unknown topic {w!r}. Choose a kind ({', '.join(kinds)}) or a kind/variant ({', '.join(available)})."
            )
        chosen.extend(m for m in matches if m not in chosen)
    # Keep curriculum order whatever order the flags came in, so --topic a --topic b and
    # --topic b --topic a give the same paper for the same seed.
    return [t for t in available if t in chosen]


def split_topic(topic: str) -> tuple[str, str | None]:
    kind, _, variant = topic.partition("/")
    return kind, (variant or None)


def derive_seed(*parts: object) -> int:
    """A 31-bit seed from the session seed and a position; stable across runs and platforms.

    ``hash()`` is salted per process, so it would break "same --seed, same problems".
    """
    text = "/".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big") & 0x7FFFFFFF


def fresh_seed() -> int:
    """A new seed for a run without --seed: a new paper or stream each time."""
    return random.SystemRandom().randrange(1, 2**31)
