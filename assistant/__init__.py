"""assistant: answers questions over a folder of sources, proving every answer with exact quotes."""

from assistant.api import Assistant, answer
from assistant.core.errors import AssistantError
from assistant.core.settings import Settings
from assistant.core.types import Answer, Citation

__all__ = ["Answer", "Assistant", "AssistantError", "Citation", "Settings", "answer"]
