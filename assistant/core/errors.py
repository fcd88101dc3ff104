"""Typed errors raised by library code. The CLI and web UI turn them into one clear line."""


class AssistantError(Exception):
    """Base class: anything the user can fix or should be told about in one line."""


class SourcesNotFound(AssistantError):
    """The sources folder does not exist or holds no readable files."""


class ModelNotFound(AssistantError):
    """The packaged embedding model cannot be found on disk."""


class IndexFailure(AssistantError):
    """The index cannot be opened, built or queried."""


class BadQuestion(AssistantError):
    """The question cannot be asked as given: not text, or broken characters."""


class EmptyQuestion(BadQuestion):
    """The question is empty or only whitespace."""


class QuestionTooLong(BadQuestion):
    """The question is longer than the `max_question_chars` setting allows."""


class BadHistory(AssistantError):
    """The conversation history is not a list of chat messages, or is too large."""


class BadTopK(AssistantError):
    """The number of passages to retrieve is not a whole number in range."""


class BadSources(AssistantError):
    """The sources chosen to answer within are not a list of source file names."""


class UnknownSource(BadSources):
    """A source chosen to answer within is not in the index; the message names it and the
    indexed sources (the first few, when there are many)."""


class BadSetting(AssistantError):
    """A setting (an ASSISTANT_* variable or a keyword) is of the wrong kind or out of range."""


class IndexBusy(IndexFailure):
    """Another process is building the same index."""


class BadSource(AssistantError):
    """A source file cannot be read or holds no text; the message starts with its path."""


class PortBusy(AssistantError):
    """The web chat's port is taken by another program."""


class IndexDamaged(IndexFailure):
    """The live index generation is broken (a file corrupt or missing); `assistant index` rebuilds
    it from the sources. `problem` says what is wrong, without the advice, for callers that word
    the remedy their own way (the web chat's Rebuild button)."""

    def __init__(self, problem: str, folder: object = ""):
        self.problem = " ".join(problem.split())  # one line, whatever the cause's text held
        self.folder = folder
        where = f"the index in {folder}" if folder else "the index"
        super().__init__(
            f"{where} is damaged ({self.problem}); run `assistant index` to rebuild it"
        )

    def __reduce__(self) -> tuple[type, tuple[str, object]]:
        return type(self), (self.problem, self.folder)  # the default would wrap the message twice


class BuildRejected(IndexFailure):
    """A generation just built failed its check, so it was not published; the live one stays."""


class LLMUnavailable(AssistantError):
    """The configured LLM backend cannot be used: its packages or its model file are missing."""


class LLMFailure(AssistantError):
    """The LLM failed while writing an answer (a refused connection, a server error); the answer
    falls back to quotes with this one line as the reason."""


class LLMTimeout(LLMFailure):
    """The LLM did not finish one answer within llm_timeout seconds."""


class NotInTrash(AssistantError):
    """A removed source to restore is not in the sources folder's trash."""
