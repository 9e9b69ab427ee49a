"""What every part leans on: settings, storage locations, interrupts, the progress bar,
failpoints for crash tests, and words for people."""
