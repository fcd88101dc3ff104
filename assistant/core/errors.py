"""Typed errors raised by library code. The CLI and web UI turn them into one clear line."""


class AssistantError(Exception):
    """Base class: anything the user can fix or should be told about in one line."""


class SourcesNotFound(AssistantError):
    """The sources folder does not exist or holds no readable files."""


class ModelNotFound(AssistantError):
    """The packaged embedding model cannot be found on disk."""


class IndexFailure(AssistantError):
    """The index cannot be opened, built or queried."""


class EmptyQuestion(AssistantError):
    """The question is empty or only whitespace."""


class IndexBusy(IndexFailure):
    """Another process is building the same index."""


class BadSource(AssistantError):
    """A source file cannot be read or holds no text; the message starts with its path."""


class PortBusy(AssistantError):
    """The web chat's port is taken by another program."""
