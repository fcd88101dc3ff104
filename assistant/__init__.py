"""assistant: answers questions over a folder of sources, proving every answer with exact quotes.

The names below are imported on first use, so `import assistant` (and every `assistant.x` module)
costs nothing until one is needed: the command line starts fast, and `assistant serve` alone
imports the web chat.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.api import Assistant, answer
    from assistant.core.errors import AssistantError
    from assistant.core.settings import Settings
    from assistant.core.types import Answer, Citation

_WHERE = {
    "Assistant": "assistant.api",
    "answer": "assistant.api",
    "AssistantError": "assistant.core.errors",
    "Settings": "assistant.core.settings",
    "Answer": "assistant.core.types",
    "Citation": "assistant.core.types",
}

__all__ = ["Answer", "Assistant", "AssistantError", "Citation", "Settings", "answer"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value  # once found, a plain attribute
    return value
