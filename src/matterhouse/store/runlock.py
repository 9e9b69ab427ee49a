"""One run at a time per warehouse: an exclusive lock on a file inside the warehouse folder.

The kernel drops the lock when the process dies, even by SIGKILL, so a crashed run never
leaves a stale lock behind.
"""

import fcntl
import os
from pathlib import Path

from matterhouse.transforms.errors import MatterhouseError

LOCK_FILE = ".matterhouse.lock"


class RunInProgress(MatterhouseError):
    """Another matterhouse run is using the warehouse."""


class WarehouseNotWritable(MatterhouseError):
    """The warehouse folder cannot be created or written."""


class RunLock:
    def __init__(self, warehouse: Path):
        self.path = warehouse / LOCK_FILE
        self.handle = None

    def __enter__(self):
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+")
        except OSError as error:
            raise WarehouseNotWritable(
                f"cannot write to the warehouse folder {self.path.parent} ({error.strerror.lower()}); "
                "choose a folder you can write to with --warehouse, or fix its permissions"
            ) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise RunInProgress(
                f"another matterhouse run (PID {holder}) is loading {self.path.parent}; wait for it to finish, then run again"
            ) from None
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
        self.handle = handle
        return self

    def __exit__(self, *exc_info):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
