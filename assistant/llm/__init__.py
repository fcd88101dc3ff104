"""Chat-model backends that write answers: one interface (base.py), one small file per backend.

Nothing here is imported unless the `llm` setting names a backend; the packages each backend needs
come with the optional extra `pip install -e '.[llm]'`.
"""
