"""Local web chat: cited answers, evidence and source management; no accounts, hosting or own logic.

It shows what `assistant.api.Assistant` returns and adds no answering logic of its own. Analytics
are off (set before gradio is imported) and it binds 127.0.0.1 unless told otherwise.
"""

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

from assistant.web.app import build_app
from assistant.web.server import preflight, serve

__all__ = ["build_app", "preflight", "serve"]
