"""Domain exceptions. The CLI turns these into one-line messages; the pipeline turns an
:class:`IngestError` into an ``errors`` row for that file and goes on with the batch."""


class TractorError(Exception):
    """Base class for every error the tool reports to a user without a traceback."""


class IngestError(TractorError):
    """A file (or one conversation inside it) could not be turned into a transcript.

    ``stage`` names the step that failed (``read``, ``decode``, ``pdf``, ``segment``...), and the
    message is specific to the file ("encrypted PDF, password required", "empty file").
    """

    def __init__(self, message: str, stage: str = "read"):
        super().__init__(message)
        self.stage = stage


class DatasetError(TractorError):
    """A dataset folder is missing, incomplete or not one tractor (or the Hub) can read."""
