"""A public evaluation corpus: 8 articles of the SQuAD 2.0 dev set (README.md: source, licence).

`data` turns the shipped JSON into source files and question-set items (pure); `run` indexes them
and evaluates, for `assistant eval --set squad`.
"""
