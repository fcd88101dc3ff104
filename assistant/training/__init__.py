"""Training the answer model (issue 21): SQuAD pages -> sentence pairs -> a small cross-encoder.

Nothing here runs when the assistant answers: the trained model ships as int8 ONNX under
assistant/models/ and answering/quoting/reader.py loads it. `assistant train` drives these modules.
"""
