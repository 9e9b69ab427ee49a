"""The project's exceptions."""

class MatterhouseError(Exception):
    """Base of every error matterhouse raises on purpose."""


class RejectedFile(MatterhouseError):
    """A file that cannot be an article; `reason` is one line a person can act on."""

    def __init__(self, reason: str, path: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path
