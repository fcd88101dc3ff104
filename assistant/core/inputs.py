"""Check what callers pass in before any work is done: the question, the history, the settings.

Pure functions that return a clean value or raise one typed error whose message is one line naming
the limit and the setting. The question is stripped, its whitespace and control characters folded
to single spaces, valid surrogate pairs joined and lone surrogates refused, and its length capped
(`max_question_chars`). The history becomes a list of {"role", "content"} messages from either chat
messages or the (user, assistant) pairs older Gradio chats hold; only its latest turns are read
(`max_history_turns`), each message cut to the question's cap, so a long history is cut, not
refused, and costs no more than a short one. The sources an answer keeps to are names the index
holds; an unknown one is refused with the known ones listed. What it leaves out: whether the
question makes sense, is in English or tries to instruct the assistant. Those are answered (or
abstained from) like any other question, since the answer only ever quotes the sources.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping

from assistant.core.errors import (
    BadHistory,
    BadQuestion,
    BadSetting,
    BadSources,
    BadTopK,
    EmptyQuestion,
    QuestionTooLong,
    UnknownSource,
)

# Inclusive bounds of every whole-number setting: beyond them a typo, not a choice.
SETTING_RANGES: dict[str, tuple[int, int]] = {
    "chunk_words": (10, 1000),
    "top_k": (1, 100),
    "candidates": (1, 1000),
    "rrf_k": (1, 10_000),
    "max_quotes": (1, 10),
    "query_threads": (1, 256),
    "batch_size": (1, 4096),
    "web_workers": (1, 10_000),
    "max_question_chars": (10, 100_000),
    "max_history_turns": (0, 1000),
    "max_sentence_chars": (100, 100_000),  # shorter would cut ordinary sentences apart
    "max_source_mb": (1, 100_000),
    "llm_threads": (1, 256),
    "llm_context": (256, 1_048_576),
    "llm_max_tokens": (8, 100_000),
    "llm_excerpts": (1, 50),
}
# Settings that name one of a few kinds.
SETTING_CHOICES: dict[str, tuple[str, ...]] = {"answer_model": ("reader", "rules")}
FLOAT_RANGES: dict[str, tuple[float, float]] = {
    "llm_temperature": (0.0, 2.0),
    "llm_timeout": (0.001, 86_400.0),  # a thousandth of a second: the tests' sure time-out
}
LLM_KINDS = ("ollama", "openai", "gguf")  # assistant/llm/base.py holds their factories
UNSUPPORTED = ("mark", "drop")
HISTORY_TURNS = 20  # the default of max_history_turns; follow-ups read only the last few
MESSAGE_CHARS = 2000  # the default of max_question_chars, which caps each earlier message too
ROLES = ("user", "assistant", "system")

_CONTROL = re.compile(r"(?!\s)[\x00-\x1f\x7f-\x9f]")  # noise: "Pesh\x00awar" -> "Peshawar"
_SPACES = re.compile(r"\s+")  # newlines, tabs and other spaces: a question is one line
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_question(question: object, max_chars: int) -> str:
    """The question stripped and on one line, or BadQuestion (EmptyQuestion, QuestionTooLong)."""
    if question is None:
        raise EmptyQuestion("the question is empty")
    if not isinstance(question, str):
        raise BadQuestion(f"the question must be text, not {type(question).__name__}")
    text = question.strip()  # before the slower steps, so a huge question costs one pass
    if len(text) > max_chars:
        raise QuestionTooLong(
            f"the question is {len(text)} characters long; the limit is {max_chars} "
            "(max_question_chars, ASSISTANT_MAX_QUESTION_CHARS)"
        )
    text = _joined_pairs(text)
    if _SURROGATE.search(text):
        raise BadQuestion("the question holds a broken character (a lone surrogate); retype it")
    text = _SPACES.sub(" ", _CONTROL.sub("", unicodedata.normalize("NFC", text))).strip()
    if not text:
        raise EmptyQuestion("the question is empty")
    return text


def shown(text: str, max_chars: int) -> str:
    """Any text made safe to display and send as JSON: surrogates replaced, at most max_chars."""
    text = _SURROGATE.sub("\ufffd", _joined_pairs(text))
    return text if len(text) <= max_chars else text[:max_chars] + "…"


def _joined_pairs(text: str) -> str:
    """Surrogate pairs (as UTF-16 text decoded without joining them) made one character each."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def clean_history(
    history: object, max_turns: int = HISTORY_TURNS, max_chars: int = MESSAGE_CHARS
) -> list[dict[str, str]]:
    """Chat messages, or (user, assistant) pairs, as {"role", "content"} messages, or BadHistory.

    Only the latest max_turns turns are read (a turn: a user message and the replies after it),
    and each message is cut to max_chars: an older or longer part is dropped, never refused."""
    if history is None:
        return []
    if isinstance(history, str | bytes | Mapping) or not isinstance(history, list | tuple):
        raise BadHistory(f"the history must be a list of messages, not {type(history).__name__}")
    first = max(0, len(history) - 2 * max_turns)  # a turn is one item (a pair) or two
    recent = history[first:] if max_turns else []
    messages: list[dict[str, str]] = []
    for i, item in enumerate(recent, start=first):
        if isinstance(item, Mapping):
            messages.append(_message(i, item.get("role"), item.get("content"), max_chars))
        elif isinstance(item, list | tuple) and len(item) == 2:
            pair = [(r, t) for r, t in zip(ROLES[:2], item, strict=True) if t is not None]
            messages += [_message(i, role, text, max_chars) for role, text in pair]
        else:
            raise BadHistory(
                f"history item {i} must be a message {{'role', 'content'}} or a (user, assistant) "
                f"pair, not {type(item).__name__}"
            )
    kept = [m for m in messages if m["role"] != "system" and m["content"]]
    return _latest_turns(kept, max_turns)


def _latest_turns(messages: list[dict[str, str]], max_turns: int) -> list[dict[str, str]]:
    """The messages from the max_turns-th last user message on (all when there are fewer)."""
    users = [i for i, m in enumerate(messages) if m["role"] == "user"]
    return messages[users[-max_turns] :] if max_turns and len(users) >= max_turns else messages


def _message(i: int, role: object, content: object, max_chars: int) -> dict[str, str]:
    if role is None:
        raise BadHistory(f"history item {i} has no role; use 'user' or 'assistant'")
    if role not in ROLES:
        raise BadHistory(f"history item {i} has role {str(role)[:20]!r}; use 'user' or 'assistant'")
    text = _content(i, content)
    text = _CONTROL.sub("", shown(text[: max_chars + 1], max_chars))  # cut, as a question is
    return {"role": str(role), "content": text.strip()}


def _content(i: int, content: object) -> str:
    """A message's text: a string, or the text parts of a list such as Gradio sends."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list | tuple):
        parts = [p.get("text") if isinstance(p, Mapping) else p for p in content]
        if all(isinstance(p, str) for p in parts):
            return " ".join(parts)  # type: ignore[arg-type]
    raise BadHistory(f"history item {i} has content of type {type(content).__name__}, not text")


def check_top_k(top_k: object) -> int | None:
    """Passages to retrieve: None for the setting, else a whole number in range, or BadTopK."""
    if top_k is None:
        return None
    low, high = SETTING_RANGES["top_k"]
    if isinstance(top_k, bool) or not isinstance(top_k, int) or not low <= top_k <= high:
        raise BadTopK(f"top_k must be a whole number from {low} to {high}, not {_brief(top_k)}")
    return top_k


SHOWN_SOURCES = 5  # indexed sources an unknown source's message lists before "and N more"
SOURCE_NAME_CHARS = 120  # of each name in that message


def check_sources(sources: object, known: Collection[str]) -> frozenset[str] | None:
    """The source file names an answer keeps to: None (every source) for None or none chosen, a
    single name for a string, else a set of names each in `known`; or UnknownSource naming the
    first unknown one and the known ones, or BadSources for anything but names."""
    if sources is None:
        return None
    names = [sources] if isinstance(sources, str) else sources
    if isinstance(names, bytes | Mapping) or not isinstance(names, Iterable):
        raise BadSources(f"sources must be a list of source file names, not {_brief(sources)}")
    chosen = list(names)
    for name in chosen:
        if not isinstance(name, str):
            raise BadSources(f"a source must be a file name, not {_brief(name)}")
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise UnknownSource(unknown_source(unknown[0], known))
    return frozenset(chosen) or None


def unknown_source(name: str, known: Collection[str]) -> str:
    """One line: the unknown name, the closest known name when one is close, the known ones."""
    listed = sorted(known)
    close = difflib.get_close_matches(name, listed, n=1)
    guess = f" (did you mean {_file(close[0])}?)" if close else ""
    some = ", ".join(_file(n) for n in listed[:SHOWN_SOURCES])
    more = f" and {len(listed) - SHOWN_SOURCES} more" if len(listed) > SHOWN_SOURCES else ""
    every = f"the sources are {some}{more}" if listed else "the index holds no source"
    return f"unknown source {_file(name)!r}{guess}; {every}"


def _file(name: str) -> str:
    """A file name on one line, cut when absurdly long."""
    return shown(" ".join(name.split()), SOURCE_NAME_CHARS)


def setting_int(name: str, value: object, where: str = "") -> int:
    """A whole-number setting parsed from text or taken as is, in SETTING_RANGES, or BadSetting.

    `where` names what the user typed (an environment variable, a flag); the default is both."""
    where = where or f"{name} (ASSISTANT_{name.upper()})"
    low, high = SETTING_RANGES.get(name, (-(2**63), 2**63 - 1))
    number: object = value
    if isinstance(value, str):
        number = int(value.strip()) if re.fullmatch(r"\s*[+-]?\d{1,19}\s*", value) else None
    if isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
        raise BadSetting(
            f"{where} must be a whole number from {low} to {high}, not {_brief(value)}"
        )
    return number


def setting_choice(name: str, value: object, where: str = "") -> str:
    """A setting that names one of SETTING_CHOICES[name] (case and spaces aside), or BadSetting."""
    where = where or f"{name} (ASSISTANT_{name.upper()})"
    allowed = SETTING_CHOICES[name]
    chosen = value.strip().lower() if isinstance(value, str) else None
    if chosen is None or chosen not in allowed:
        raise BadSetting(f"{where} must be one of {', '.join(allowed)}, not {_brief(value)}")
    return chosen


def setting_float(name: str, value: object, where: str = "") -> float:
    """A decimal setting parsed from text or taken as is, in FLOAT_RANGES, or BadSetting."""
    where = where or f"{name} (ASSISTANT_{name.upper()})"
    low, high = FLOAT_RANGES.get(name, (float("-inf"), float("inf")))
    number: object = value
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if isinstance(number, int) and not isinstance(number, bool):
        number = float(number)
    if not isinstance(number, float) or not low <= number <= high:  # NaN fails both sides
        raise BadSetting(f"{where} must be a number from {low:g} to {high:g}, not {_brief(value)}")
    return number


def check_llm(spec: str, unsupported: str) -> None:
    """The llm setting is "none" or KIND:MODEL with a known kind; llm_unsupported mark or drop."""
    kind, sep, model = spec.partition(":")
    if spec != "none" and not (sep and kind in LLM_KINDS and model.strip()):
        raise BadSetting(
            f"llm (ASSISTANT_LLM, --llm) must be none or KIND:MODEL with KIND one of "
            f"{', '.join(LLM_KINDS)} (e.g. gguf:/models/qwen.gguf), not {_brief(spec)}"
        )
    if unsupported not in UNSUPPORTED:
        raise BadSetting(
            f"llm_unsupported (ASSISTANT_LLM_UNSUPPORTED) must be mark or drop, not "
            f"{_brief(unsupported)}"
        )


def _brief(value: object) -> str:
    """A value as a short one-line token for an error message."""
    text = repr(value) if isinstance(value, str | bytes | int | float) else type(value).__name__
    return shown(" ".join(text.split()), 30)
