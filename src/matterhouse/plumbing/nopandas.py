"""Keeping pandas out of processes that never use it.

pyarrow imports pandas, when it is installed, on its first conversion of Python values,
only to recognise pandas objects: about 50 MB and 0.3 s per process. Parse workers and a
CLI run without Prefect never hand pyarrow pandas objects, so there the import fails at
once and pyarrow carries on as it does without pandas. Never call this in a process that
may use pandas later (a notebook): pyarrow remembers that pandas was missing.
"""

import importlib.abc
import sys


def leave_pandas_out() -> None:
    if not any(isinstance(finder, _PandasLeftOut) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PandasLeftOut())


class _PandasLeftOut(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.partition(".")[0] == "pandas":
            raise ModuleNotFoundError("this matterhouse process does not import pandas", name=name)
        return None  # any other module: the usual finders
