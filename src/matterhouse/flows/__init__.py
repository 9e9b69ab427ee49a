"""The Prefect flow over the library's steps (installed as matterhouse.flows)."""

import os

# Runs must work offline and say nothing of telemetry: Prefect's server analytics would
# only log "Failed to send telemetry", and its client prints a usage-data notice on a
# first interactive run.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
