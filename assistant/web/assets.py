"""Style and the one script of the web chat, injected into the page head by `app.build_app`.

The script wires citation chips to the evidence panel: a click on chip n of an answer shows that
answer's evidence and selects card n, without a server round trip. The server sends only the newest
answer's evidence, so the script keeps each answer's evidence as the panel first showed it and puts
it back when an earlier chip is clicked. It inserts no markup but the panel's own.
"""

import json

from assistant.web.render import pending_message
from assistant.web.written import STREAMING

CSS = """
/* Gradio's packaged Source Sans Pro SemiBold holds only a few glyphs, so semibold text mixed two
   fonts; the complete Bold file stands in for it. */
@font-face {
  font-family: 'Source Sans Pro'; font-weight: 600; font-style: normal;
  src: url('static/fonts/SourceSansPro/SourceSansPro-Bold.woff2') format('woff2');
}
.gradio-container { max-width: 1480px !important; margin: 0 auto !important; }
.app-header h1 { font-size: 1.35rem; margin: 0.2rem 0 0.1rem; }
.app-header p { margin: 0; color: var(--body-text-color-subdued); font-size: 0.92rem; }
.answer p { margin: 0 0 0.6rem; line-height: 1.55; }
.answer p:last-child { margin-bottom: 0; }
.answer.grouped .group-title { font-weight: 600; margin: 0.7rem 0 0.3rem; }
.answer.grouped .group-title:first-child,
.answer.grouped .searched + .group-title { margin-top: 0; }
.answer.grouped ul.group-quotes { margin: 0 0 0.4rem 1.1rem; padding: 0; line-height: 1.55; }
.answer.grouped ul.group-quotes li { margin-bottom: 0.35rem; }
.answer.pending { color: var(--body-text-color-subdued); font-style: italic; }
.answer.abstain { color: var(--body-text-color-subdued); }
.answer.error { color: var(--error-text-color); }
.written {
  margin-top: 0.7rem; padding-top: 0.55rem; border-top: 1px dashed var(--border-color-primary);
  color: var(--body-text-color); font-style: normal;
}
.written p { margin: 0; line-height: 1.55; }
.written-head { font-size: 0.8rem; color: var(--body-text-color-subdued); margin-bottom: 0.3rem; }
.written-note { font-size: 0.85rem; color: var(--body-text-color-subdued); }
.written.streaming > .written-head::after { content: " …"; }
.w-pending { color: var(--body-text-color-subdued); }
.written.streaming .w-pending::after { content: "▍"; }
/* Not struck out: an unsupported sentence may be true, only not shown by what it cites. */
.w-unsupported {
  text-decoration: underline dotted var(--error-text-color); text-underline-offset: 0.2em;
  color: var(--body-text-color-subdued);
}
.w-mark {
  display: inline-block; padding: 0 0.4em; border-radius: 0.6em; font-size: 0.72em;
  font-weight: 600; vertical-align: 0.15em; color: var(--error-text-color);
  border: 1px solid var(--error-text-color); cursor: help;
}
.writer { font-size: 0.85rem; color: var(--body-text-color-subdued); }
.searched { font-size: 0.8rem; color: var(--body-text-color-subdued); margin-bottom: 0.45rem; }
a.cite-chip {
  display: inline-flex; align-items: center; justify-content: center; min-width: 1.3em;
  height: 1.3em; padding: 0 0.3em; margin: 0 0.1em; border-radius: 0.65em;
  font-size: 0.72em; font-weight: 600; line-height: 1; vertical-align: 0.15em;
  text-decoration: none !important; cursor: pointer;
  background: var(--color-accent-soft); color: var(--color-accent) !important;
  border: 1px solid var(--color-accent);
}
a.cite-chip:hover, a.cite-chip.active { background: var(--color-accent); color: white !important; }
.evidence { display: flex; flex-direction: column; gap: 0.7rem; }
.ev-header { font-weight: 600; font-size: 1rem; }
.ev-hidden { display: none !important; }
.ev-turn { display: flex; flex-direction: column; gap: 0.7rem; }
.ev-question { font-size: 0.85rem; color: var(--body-text-color-subdued); }
.ev-empty { color: var(--body-text-color-subdued); font-size: 0.9rem; line-height: 1.5; }
.ev-card {
  border: 1px solid var(--border-color-primary); border-radius: 0.6rem; padding: 0.7rem 0.85rem;
  background: var(--background-fill-primary); transition: border-color 0.15s, box-shadow 0.15s;
}
.ev-card.selected {
  border-color: var(--color-accent); box-shadow: 0 0 0 2px var(--color-accent-soft);
}
.ev-head { display: flex; align-items: center; gap: 0.5rem; font-weight: 600; }
.ev-num {
  display: inline-flex; align-items: center; justify-content: center; width: 1.4em; height: 1.4em;
  border-radius: 50%; background: var(--color-accent); color: white; font-size: 0.75rem;
}
.ev-file { font-size: 0.78rem; color: var(--body-text-color-subdued); margin: 0.15rem 0 0.5rem; }
.ev-context { font-size: 0.9rem; line-height: 1.6; color: var(--body-text-color-subdued); }
.ev-context mark {
  background: #fde68a; color: #1f2937; padding: 0.05em 0.15em; border-radius: 0.2em;
}
.ev-card:not(.selected) .ev-context mark { background: #fef3c7; }
.ev-note { font-size: 0.78rem; color: var(--error-text-color); margin-top: 0.4rem; }
.hits { border-top: 1px dashed var(--border-color-primary); padding-top: 0.6rem; }
.hits-title { font-weight: 600; font-size: 0.9rem; margin-bottom: 0.3rem; }
.hits ol { padding-left: 1.1rem; margin: 0; }
.hit { margin-bottom: 0.7rem; font-size: 0.82rem; }
.hit-head { font-weight: 600; }
.hit-head .ev-file { font-weight: 400; }
.hit-scores { color: var(--color-accent); font-variant-numeric: tabular-nums; }
.hit-text { color: var(--body-text-color-subdued); line-height: 1.45; }
#evidence-panel { max-height: 640px; overflow-y: auto !important; padding: 0.2rem 0.3rem; }
.src-summary { color: var(--body-text-color-subdued); font-size: 0.9rem; margin-bottom: 0.6rem; }
#sources-table table.src-table {
  width: 100%; border-collapse: collapse; font-size: 0.92rem; margin: 0; border: none !important;
}
#sources-table .src-table tr { border: none !important; }
#sources-table .src-table :is(th, td) {
  border: none !important; border-bottom: 1px solid var(--border-color-primary) !important;
  padding: 0.5rem 0.6rem; text-align: left; background: none;
}
#sources-table .src-table th { font-weight: 600; border-bottom-width: 2px !important; }
#sources-table .src-table .num { text-align: right; font-variant-numeric: tabular-nums; }
#sources-table code {
  font-size: 0.8rem; background: var(--background-fill-secondary); padding: 0.1rem 0.35rem;
  border-radius: 0.3rem; border: none;
}
#side #conversations { max-height: 420px; overflow-y: auto; }
#side #conversations label { width: 100%; }
.copy-answer {
  display: inline-block; margin-top: 0.4rem; font-size: 0.75rem; text-decoration: none !important;
  color: var(--body-text-color-subdued) !important; cursor: pointer;
}
.copy-answer::before { content: "Copy"; }
.copy-answer.copied::before { content: "Copied"; }
a.open-source { text-decoration: none !important; color: inherit !important; }
a.open-source .ev-file { text-decoration: underline dotted; cursor: pointer; }
#source-viewer { max-height: 480px; overflow-y: auto !important; padding: 0.2rem 0.3rem; }
.viewer-head { font-size: 0.85rem; margin-bottom: 0.4rem; }
.viewer-text { font-size: 0.88rem; line-height: 1.55; color: var(--body-text-color-subdued); }
.viewer-text mark { background: #fde68a; color: #1f2937; }
.viewer-empty { color: var(--body-text-color-subdued); font-size: 0.85rem; }
.badge {
  display: inline-block; margin-left: 0.4rem; padding: 0.05rem 0.45rem; border-radius: 0.6rem;
  font-size: 0.72rem; background: var(--color-accent-soft); color: var(--color-accent);
}
"""

JS = """
// Earlier answers' evidence stays here: the server sends only the newest answer's (render.py).
const evidenceArchive = new Map();
new MutationObserver(() => {
  document.querySelectorAll("#evidence-panel section.ev-turn:not(.ev-restored)").forEach((s) => {
    // The newest wins: another conversation's turn of the same number, or a card that
    // streamed in later, replaces the one kept.
    evidenceArchive.set(s.id, s.outerHTML);
  });
}).observe(document.documentElement, { subtree: true, childList: true });

function restoreTurn(turnId) {
  const panel = document.querySelector("#evidence-panel .evidence");
  const html = evidenceArchive.get(turnId);
  if (!panel || !html) return;
  panel.querySelectorAll(".ev-turn.ev-restored").forEach((t) => t.remove());
  panel.insertAdjacentHTML("beforeend", html);  // the server's own escaped markup, kept as sent
  const restored = panel.lastElementChild;
  restored.classList.add("ev-restored");
  restored.querySelectorAll(".ev-card.selected").forEach((c) => c.classList.remove("selected"));
}

document.addEventListener("click", (event) => {
  const chip = event.target instanceof Element ? event.target.closest("a.cite-chip") : null;
  if (!chip) return;
  event.preventDefault();
  event.stopPropagation();
  const id = (chip.getAttribute("href") || "").slice(1);
  // The chat's sanitiser drops data- attributes, so the turn comes from the link: ev-<turn>-<n>.
  if (!document.getElementById(id)) restoreTurn(id.replace(/-\\d+$/, ""));
  const card = document.getElementById(id);
  if (!card) return;
  const turn = card.closest(".ev-turn");
  document.querySelectorAll(".ev-turn").forEach((t) => t.classList.toggle("ev-hidden", t !== turn));
  document.querySelectorAll(".ev-card.selected").forEach((c) => c.classList.remove("selected"));
  document.querySelectorAll("a.cite-chip.active").forEach((c) => c.classList.remove("active"));
  card.classList.add("selected");
  chip.classList.add("active");
  card.scrollIntoView({ block: "nearest", behavior: "smooth" });
}, true);

// A citation's file name opens the source viewer: the span goes to a hidden box whose change
// the server answers (viewer.py). The link is #src:<start>:<end>:<url-encoded file name>.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a.open-source") : null;
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const [, start, end, ...name] = (link.getAttribute("href") || "").slice(1).split(":");
  const box = document.querySelector("#viewer-request textarea, #viewer-request input");
  if (!box) return;
  box.value = JSON.stringify({source: decodeURIComponent(name.join(":")), start: +start,
                              end: +end});
  box.dispatchEvent(new Event("input", { bubbles: true }));
  document.getElementById("viewer-mark")?.scrollIntoView({ block: "center" });
}, true);

// Copy: the answer's words, then each quote it cites with its source, file and offsets.
function quotesOf(answer) {
  const lines = [];
  const seen = new Set();
  answer.querySelectorAll("a.cite-chip").forEach((chip) => {
    const id = (chip.getAttribute("href") || "").slice(1);
    if (seen.has(id)) return;
    seen.add(id);
    let card = document.getElementById(id);
    if (!card) {
      const kept = evidenceArchive.get(id.replace(/-\\d+$/, ""));
      const holder = document.createElement("div");
      if (kept) holder.innerHTML = kept;  // the server's own escaped markup, never shown
      card = holder.querySelector("#" + CSS.escape(id));
    }
    if (!card) return;
    const part = (sel) => (card.querySelector(sel)?.textContent || "").trim();
    lines.push(`[${part(".ev-num")}] ${part(".ev-title")} — ${part(".ev-file")}`,
               `"${part(".ev-context mark")}"`);
  });
  return lines;
}

function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const area = document.createElement("textarea");  // plain http off localhost: the old way
  area.value = text;
  document.body.appendChild(area);
  area.select();
  document.execCommand("copy");
  area.remove();
  return Promise.resolve();
}

document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest(".copy-answer") : null;
  if (!button) return;
  event.preventDefault();
  event.stopPropagation();
  const answer = button.closest(".answer");
  if (!answer) return;
  const quotes = quotesOf(answer);
  const text = answer.innerText.trim() + (quotes.length ? "\\n\\n" + quotes.join("\\n") : "");
  copyText(text).then(() => {
    button.classList.add("copied");
    setTimeout(() => button.classList.remove("copied"), 1500);
  });
}, true);
"""

# An export arrives as {name, type, text} (saved.SavedChats.export) and is saved as a file here.
DOWNLOAD = """
(data) => {
  if (!data || !data.name) return;
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([data.text], { type: data.type }));
  link.download = data.name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
}
"""

# After the viewer shows a source: its highlighted span, in view.
SCROLL_VIEWER = """
() => {
  setTimeout(() => document.getElementById("viewer-mark")?.scrollIntoView({ block: "center" }),
             50);
}
"""

# The chat's one browser-side event: the newest turn replaces its own two messages or follows
# the earlier ones, so a turn never re-sends the conversation (handlers.turn_payload).
MERGE_TURN = """
(chat, latest) => {
  if (!latest || !Array.isArray(latest.messages)) return [chat];
  // One output, returned in a list: a bare array would be read as one value per output.
  return [(chat || []).slice(0, 2 * latest.turn).concat(latest.messages)];
}
"""

# The other: a question shows in the chat the moment it is asked, with a pending reply, before the
# server has it (under load the server's first message came 0.5-0.9 s later). The server's turn
# then takes these two places (MERGE_TURN). Escaped like render.esc: every character but letters,
# digits and spaces becomes an entity. Nothing is added while a question is still pending or its
# written answer still streaming (the server ignores a second question meanwhile, too).
ECHO_QUESTION = """
(chat, question) => {
  const text = (question || "").trim();
  const messages = chat || [];
  const last = messages[messages.length - 1];
  const shown = JSON.stringify((last && last.content) || "");
  if (!text || shown.includes("answer pending") || shown.includes(STREAMING)) {
    return [messages];
  }
  const esc = (s) => s.replace(/[^\\p{L}\\p{N} ]/gu, (c) => "&#" + c.codePointAt(0) + ";");
  const message = (role, html) =>
    ({role, metadata: null, content: [{type: "text", text: html}], options: null});
  const asked = message("user", '<div class="msg-user">' + esc(text) + "</div>");
  return [messages.concat([asked, message("assistant", PENDING)])];
}
""".replace("PENDING", json.dumps(pending_message())).replace("STREAMING", json.dumps(STREAMING))

HEAD = f"<style>{CSS}</style><script>{JS}</script>"
