"""Prefect flows and tasks: all of matterhouse's I/O and orchestration."""

import os

# Runs must work offline: Prefect's analytics would only log "Failed to send telemetry".
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
