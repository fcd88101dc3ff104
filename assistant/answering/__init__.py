"""Answering: from a question and the index to an answer that quotes the sources.

Three parts, each a sub-package, in the order a question goes through them:

- `reading/`: the question read once into a `Question` (understand.py): its query and terms,
  a follow-up's subject (followup.py), its language, what it asks for (asks.py over
  spaCy's tags in entities.py) and the sources and topic it names (naming.py, topic.py).
- `quoting/`: the quoted answer. The trained answer model (reader.py) rescores the candidate
  sentences and decides whether to quote or abstain (fact.py, extractive.py; the earlier rules
  and their logistic model, abstain.py, stay as the "rules" setting); why.py, summary.py,
  comparison.py, sequel.py and grouped.py compose the other kinds of answer.
- `writing/`: the optional written answer from the user's LLM (prompt.py, written.py), each
  sentence checked against the excerpt it cites (verify.py).

`intents.py` is the table that sends a question to its composer; `library.py` is the one
interface through which all of them read the index.
"""
