"""Named points in a run where a crash test can stop it.

With MATTERHOUSE_FAILPOINT=<name> in the environment, a run that reaches that point says
so on stderr and waits, so that a test can SIGKILL the real process exactly there.
Unset (always, outside those tests), a checkpoint does nothing.
"""

import os
import sys
import time

ENVIRONMENT_VARIABLE = "MATTERHOUSE_FAILPOINT"


def checkpoint(name: str) -> None:
    if os.environ.get(ENVIRONMENT_VARIABLE) == name:
        print(f"failpoint {name} reached", file=sys.stderr, flush=True)
        time.sleep(3600)
