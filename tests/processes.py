"""Process states read from /proc, for tests that kill a process and check what it leaves."""

from __future__ import annotations

import time
from pathlib import Path


def _stat(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (None: no such process)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting to be reaped has ended)."""
    fields = _stat(pid)
    return fields is not None and fields[0] not in {"Z", "X"}


def children(pid: int) -> list[int]:
    """The live processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _stat(int(entry.name))
        if fields is not None and int(fields[1]) == pid and fields[0] not in {"Z", "X"}:
            found.append(int(entry.name))
    return found


def still_running(pids: list[int], within: float = 30) -> list[int]:
    """Those of ``pids`` still running after waiting up to ``within`` seconds for them to end."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and any(running(pid) for pid in pids):
        time.sleep(0.1)
    return [pid for pid in pids if running(pid)]
