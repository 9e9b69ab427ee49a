import duckdb
from prefect.states import Completed, Failed

from matterhouse.flows.pipeline import retry_on_transient_io_errors
from matterhouse.store.runlock import RunInProgress


def test_only_transient_io_errors_are_retried():
    def retried(state):
        return retry_on_transient_io_errors(None, None, state)

    assert retried(Failed(data=OSError("disk hiccup")))
    assert retried(Failed(data=duckdb.IOException("could not read file")))
    assert not retried(Failed(data=RunInProgress("another run")))
    assert not retried(Failed(data=ValueError("a bug")))
    assert not retried(Completed(data=1))
