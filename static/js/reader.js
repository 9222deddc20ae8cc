// The reader: turns the browser's selection into code-point offsets into the document's
// text, opens the annotation form next to it, and gives the keyboard its shortcuts.
//
// The server renders the text as <span data-s="N"> segments, N being the code point at
// which the segment starts. Browsers count UTF-16 code units, so an offset inside a
// segment's text is converted by counting code points from the segment's known start;
// the text is never searched for.
(function () {
  "use strict";

  const reader = document.getElementById("reader");
  if (!reader) return;
  const canAnnotate = reader.dataset.canAnnotate === "true";
  const panel = document.getElementById("annotation-panel");
  const hereList = document.getElementById("here-list");
  const pristineForm = canAnnotate ? document.getElementById("annotation-form").cloneNode(true) : null;
  const STANCES = ["support", "oppose", "neutral"];
  let current = null; // the id of the annotation the reader is on
  let returnFocus = null; // where focus goes back to when the form closes
  let undoTimer = null;

  const textEl = () => document.getElementById("document-text");
  const formEl = () => document.getElementById("annotation-form");
  const articleEl = () => reader.querySelector(".reader-text");
  const codePoints = (s) => Array.from(s).length;

  // Offsets -------------------------------------------------------------------------
  // The page works in UTF-16 positions into the text's textContent (what the DOM counts)
  // and converts to code points only for the server, through an index of the segments.

  let index = null; // rebuilt whenever the text is swapped in again

  function segmentIndex() {
    const text = textEl();
    if (index && index.root === text) return index;
    const entries = [];
    const byElement = new Map();
    let u = 0;
    for (const seg of text.children) {
      const entry = { el: seg, cp: Number(seg.dataset.s), u: u, n: seg.textContent.length };
      entries.push(entry);
      byElement.set(seg, entry);
      u += entry.n;
    }
    index = { root: text, entries: entries, byElement: byElement, length: u, whole: null };
    return index;
  }

  function wholeText() {
    const idx = segmentIndex();
    if (idx.whole === null) idx.whole = idx.root.textContent;
    return idx.whole;
  }

  // The segment entry holding UTF-16 position u (the last one for the very end).
  function entryAt(u) {
    const entries = segmentIndex().entries;
    let low = 0;
    let high = entries.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (entries[middle].u <= u) low = middle;
      else high = middle - 1;
    }
    return entries[low];
  }

  // The UTF-16 position of a DOM boundary point inside the text.
  function pointToU16(node, offset) {
    const idx = segmentIndex();
    if (node.nodeType === Node.TEXT_NODE) {
      const entry = idx.byElement.get(node.parentElement.closest("[data-s]"));
      return entry ? entry.u + offset : null;
    }
    if (node === idx.root) {
      const child = idx.root.children[offset];
      return child ? idx.byElement.get(child).u : idx.length;
    }
    const entry = idx.byElement.get(node.closest("[data-s]"));
    if (!entry) return null;
    return offset === 0 ? entry.u : entry.u + entry.n;
  }

  // A UTF-16 position as a DOM boundary point, for drawing a selection or the caret.
  function u16ToPoint(u) {
    const entry = entryAt(u);
    if (!entry) return [textEl(), 0];
    const node = entry.el.firstChild || entry.el;
    return [node, Math.min(u - entry.u, entry.n)];
  }

  // A UTF-16 position as a code-point offset, counted from its segment's known start.
  function u16ToCodePoint(u) {
    const idx = segmentIndex();
    if (u >= idx.length) return Number(idx.root.dataset.length);
    const entry = entryAt(u);
    return entry.cp + codePoints(entry.el.textContent.slice(0, u - entry.u));
  }

  // Segments of the text (graphemes, words or sentences) around one position, read from a
  // window of the text so that a long document is never segmented whole.
  const WINDOW = 400;
  const segmenters = {};
  function segmentsAround(u, granularity) {
    if (!segmenters[granularity]) {
      const lang = textEl().lang || document.documentElement.lang || undefined;
      segmenters[granularity] = new Intl.Segmenter(lang, { granularity: granularity });
    }
    const text = wholeText();
    const from = Math.max(0, u - WINDOW);
    const to = Math.min(text.length, u + WINDOW);
    return { from: from, to: to, segments: segmenters[granularity].segment(text.slice(from, to)) };
  }

  function segmentContaining(u, granularity) {
    const around = segmentsAround(u, granularity);
    const found = around.segments.containing(u - around.from);
    if (!found) return null;
    return { start: around.from + found.index, end: around.from + found.index + found.segment.length, wordLike: found.isWordLike };
  }

  function exactSelection() {
    const toggle = document.getElementById("exact-selection");
    return Boolean(toggle && toggle.checked);
  }

  // Widen [start, end) to whole words (and whole characters), without the white space at
  // either edge; as annotation tools snap to tokens. Exact mode keeps every character.
  function snap(start, end) {
    if (exactSelection()) return [start, end];
    const text = wholeText();
    while (start < end && /\s/.test(text[start])) start += 1;
    while (end > start && /\s/.test(text[end - 1])) end -= 1;
    if (start >= end) return [start, end];
    const first = segmentContaining(start, "word");
    if (first) start = first.start;
    const last = segmentContaining(end - 1, "word");
    if (last) end = last.end;
    return [start, end];
  }

  // The passage between two UTF-16 positions as the server counts it.
  function passageOf(start, end, rect) {
    if (start === null || end === null || start >= end) return null;
    const text = wholeText();
    return { start: u16ToCodePoint(start), end: u16ToCodePoint(end), quote: text.slice(start, end), rect: rect };
  }

  // The selection as {start, end, quote, rect}, clipped to the text and snapped to words;
  // null when it is empty or lies wholly outside the text.
  function selectedPassage() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    const text = textEl();
    if (!text || !range.intersectsNode(text)) return null;
    const whole = document.createRange();
    whole.selectNodeContents(text);
    let start;
    let end;
    if (whole.comparePoint(range.startContainer, range.startOffset) < 0) start = 0;
    else start = pointToU16(range.startContainer, range.startOffset);
    if (whole.comparePoint(range.endContainer, range.endOffset) > 0) end = segmentIndex().length;
    else end = pointToU16(range.endContainer, range.endOffset);
    if (start === null || end === null || start >= end) return null;
    [start, end] = snap(start, end);
    return passageOf(start, end, range.getBoundingClientRect());
  }

  // The keyboard caret -----------------------------------------------------------------
  // The text takes focus; arrows move a caret by character, Ctrl+arrows by word,
  // Ctrl+Up/Down by sentence, Home/End to either end; Shift extends the selection, which
  // is the browser's own, so that `a` annotates it as it would a mouse selection.

  let caret = null;
  let anchor = null;
  const caretMark = document.createElement("span");
  caretMark.className = "text-caret";
  caretMark.hidden = true;
  caretMark.setAttribute("aria-hidden", "true");
  document.body.append(caretMark);

  function drawCaret() {
    const selection = window.getSelection();
    const [anchorNode, anchorOffset] = u16ToPoint(anchor);
    const [focusNode, focusOffset] = u16ToPoint(caret);
    selection.setBaseAndExtent(anchorNode, anchorOffset, focusNode, focusOffset);
    const range = document.createRange();
    range.setStart(focusNode, focusOffset);
    const rects = range.getClientRects();
    const rect = rects.length ? rects[0] : range.getBoundingClientRect();
    caretMark.style.left = rect.left + window.scrollX + "px";
    caretMark.style.top = rect.top + window.scrollY + "px";
    caretMark.style.height = Math.max(rect.height, 16) + "px";
    caretMark.hidden = false;
    const margin = 40;
    if (rect.top < margin || rect.bottom > window.innerHeight - margin) {
      window.scrollBy({ top: rect.top - window.innerHeight / 2 });
    }
  }

  function hideCaret() {
    caretMark.hidden = true;
  }

  function moveCaret(u, extend) {
    caret = Math.max(0, Math.min(segmentIndex().length, u));
    if (!extend || anchor === null) anchor = caret;
    drawCaret();
  }

  function nextBoundary(u, granularity, forward) {
    const length = segmentIndex().length;
    if (forward) {
      if (u >= length) return length;
      let found = segmentContaining(u, granularity);
      if (granularity === "word") {
        // To the end of the next word.
        while (found && !found.wordLike && found.end < length) found = segmentContaining(found.end, granularity);
      }
      return found ? found.end : length;
    }
    if (u <= 0) return 0;
    let found = segmentContaining(u - 1, granularity);
    if (granularity === "word") {
      while (found && !found.wordLike && found.start > 0) found = segmentContaining(found.start - 1, granularity);
    }
    if (granularity === "sentence" && found && found.start === u - 1 && u - 1 > 0) found = segmentContaining(u - 2, granularity);
    return found ? found.start : 0;
  }

  function caretKey(event) {
    const forward = event.key === "ArrowRight" || event.key === "ArrowDown";
    const ctrl = event.ctrlKey || event.metaKey;
    let granularity = null;
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") granularity = ctrl ? "word" : "grapheme";
    else if ((event.key === "ArrowUp" || event.key === "ArrowDown") && ctrl) granularity = "sentence";
    if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      moveCaret(event.key === "Home" ? 0 : segmentIndex().length, event.shiftKey);
      return true;
    }
    if (!granularity || event.altKey) return false;
    event.preventDefault();
    if (caret === null) caret = anchor = 0;
    let target = nextBoundary(caret, granularity, forward);
    if (granularity === "sentence" && forward && !event.shiftKey) {
      // A sentence boundary lies after its trailing space: the caret lands on the next
      // sentence's first character.
      target = Math.min(target, segmentIndex().length);
    }
    moveCaret(target, event.shiftKey);
    return true;
  }

  // The panel -------------------------------------------------------------------------

  function place(rect) {
    const width = Math.min(420, window.innerWidth - 16);
    const left = Math.max(8, Math.min(rect.left + window.scrollX, window.scrollX + window.innerWidth - width - 8));
    panel.style.left = left + "px";
    panel.style.top = rect.bottom + window.scrollY + 8 + "px";
  }

  function showPanel(rect) {
    place(rect);
    panel.hidden = false;
  }

  function closePanel() {
    if (!panel || panel.hidden) return;
    panel.hidden = true;
    hereList.hidden = true;
    const target = returnFocus && document.contains(returnFocus) ? returnFocus : articleEl();
    returnFocus = null;
    focusElement(target);
  }

  function focusElement(element) {
    if (!element) return;
    if (!element.hasAttribute("tabindex") && !element.matches("a, button, input, select, textarea")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus({ preventScroll: false });
  }

  function setStance(form, value) {
    const input = form.querySelector("input[name=stance]");
    input.value = input.value === value ? "" : value;
    for (const button of form.querySelectorAll("button[data-stance]")) {
      button.setAttribute("aria-pressed", String(button.dataset.stance === input.value));
    }
  }

  function openNewForm(selected) {
    const fresh = pristineForm.cloneNode(true);
    formEl().replaceWith(fresh);
    htmx.process(fresh);
    fresh.querySelector("[name=start]").value = selected.start;
    fresh.querySelector("[name=end]").value = selected.end;
    fresh.querySelector("[name=quote]").value = selected.quote;
    fresh.querySelector("#form-quote").textContent = selected.quote;
    hereList.hidden = true;
    returnFocus = articleEl();
    showPanel(selected.rect);
    window.getSelection().removeAllRanges();
    fresh.querySelector("#ann-actor").focus();
  }

  function annotationUrl(id) {
    return reader.dataset.annotationUrl.replace(/0\/$/, id + "/");
  }

  function segmentsOf(id) {
    return textEl().querySelectorAll('[data-ids~="' + id + '"]');
  }

  function entryQuote(id) {
    const entry = document.getElementById("entry-" + id);
    return entry ? entry.querySelector(".entry-quote").textContent : "annotation " + id;
  }

  function showHere(id, ids) {
    hereList.replaceChildren();
    if (ids.length < 2) {
      hereList.hidden = true;
      return;
    }
    const label = document.createElement("p");
    label.textContent = "Annotations here:";
    hereList.append(label);
    for (const other of ids) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "here";
      button.textContent = entryQuote(other);
      button.setAttribute("aria-pressed", String(other === id));
      button.addEventListener("click", () => openEditForm(other, ids));
      hereList.append(button);
    }
    hereList.hidden = false;
  }

  function openEditForm(id, ids) {
    const first = segmentsOf(id)[0];
    if (!first) return;
    markCurrent(id);
    returnFocus = first;
    htmx.ajax("GET", annotationUrl(id), { target: "#annotation-form", swap: "outerHTML" }).then(() => {
      showHere(id, ids || [id]);
      showPanel(first.getBoundingClientRect());
      const actor = document.getElementById("ann-actor");
      if (actor) actor.focus();
    });
  }

  // Type-ahead for actor and claim ---------------------------------------------------------
  // The fields are ARIA comboboxes over a list the server renders (at most a dozen entries,
  // saying how many more match). Enter takes the highlighted entry and never submits: a
  // half-typed name must not save a half-filled annotation.

  function comboList(input) {
    const box = document.getElementById(input.name + "-suggestions");
    const wrap = box && box.querySelector(".listbox-wrap");
    const options = wrap ? Array.from(wrap.querySelectorAll("[role=option]")) : [];
    return { box: box, wrap: wrap, options: options };
  }

  function comboOpen(input) {
    return input.getAttribute("aria-expanded") === "true";
  }

  function highlightOption(input, option) {
    for (const other of comboList(input).options) {
      other.setAttribute("aria-selected", String(other === option));
    }
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function showList(input, highlightFirst) {
    const list = comboList(input);
    if (!list.wrap || !list.options.length) {
      hideList(input);
      return;
    }
    list.wrap.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlightOption(input, highlightFirst ? list.options[0] : null);
  }

  function hideList(input) {
    const list = comboList(input);
    if (list.wrap) list.wrap.hidden = true;
    input.setAttribute("aria-expanded", "false");
    highlightOption(input, null);
  }

  function acceptOption(input, option) {
    input.value = option.dataset.value;
    hideList(input);
    // The offer to add the typed name no longer applies to a name from the codebook.
    const offer = comboList(input).box.querySelector(".offer");
    if (offer) offer.remove();
  }

  function nextField(input) {
    const form = formEl();
    const fields = [form.querySelector("#ann-actor"), form.querySelector("#ann-claim"), form.querySelector("button[data-stance]")];
    const next = fields[fields.indexOf(input) + 1];
    if (next) next.focus();
  }

  // Handles a key in a combobox; true when the key was the combobox's to handle.
  function comboKey(event, input) {
    const list = comboList(input);
    const active = list.options.find((option) => option.getAttribute("aria-selected") === "true");
    const index = list.options.indexOf(active);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!comboOpen(input)) {
        showList(input, true);
        return true;
      }
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = list.options[Math.min(list.options.length - 1, Math.max(0, index + step))];
      highlightOption(input, next || null);
      return true;
    }
    if (event.key === "Enter") {
      event.preventDefault();
      if (comboOpen(input) && active) acceptOption(input, active);
      else nextField(input);
      return true;
    }
    if (event.key === "Escape" && comboOpen(input)) {
      event.preventDefault();
      hideList(input);
      return true;
    }
    if (event.key === "Tab") hideList(input);
    return false;
  }

  // Moving between annotations ------------------------------------------------------------

  function markCurrent(id) {
    for (const element of reader.querySelectorAll(".is-current")) element.classList.remove("is-current");
    current = id;
    if (id === null) return;
    for (const seg of segmentsOf(id)) seg.classList.add("is-current");
    const entry = document.getElementById("entry-" + id);
    if (entry) {
      entry.classList.add("is-current");
      entry.scrollIntoView({ block: "nearest" });
    }
  }

  function goTo(id) {
    const first = segmentsOf(id)[0];
    if (!first) {
      // Hidden by the filters, or gone: keep focus in the text rather than lose it.
      markCurrent(null);
      focusElement(articleEl());
      return;
    }
    markCurrent(id);
    first.scrollIntoView({ block: "center" });
    focusElement(first);
  }

  function entryIds() {
    return Array.from(document.querySelectorAll("#annotation-list li[data-id]"), (li) => li.dataset.id);
  }

  function step(delta) {
    const ids = entryIds();
    if (!ids.length) return;
    const index = ids.indexOf(current);
    const next = index === -1 ? (delta > 0 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, index + delta));
    goTo(ids[next]);
  }

  // Events --------------------------------------------------------------------------------

  document.addEventListener("mouseup", (event) => {
    if (panel && panel.contains(event.target)) return;
    // Let the browser settle the selection first.
    window.setTimeout(() => {
      const selection = window.getSelection();
      if (selection.rangeCount && selection.isCollapsed && inText(selection.focusNode)) {
        // A click puts the keyboard caret where it landed.
        caret = anchor = pointToU16(selection.focusNode, selection.focusOffset);
      }
      if (!canAnnotate) return;
      const selected = selectedPassage();
      if (selected) openNewForm(selected);
    }, 0);
  });

  // On a touch screen a selection is made with handles, and no mouseup tells when it is
  // done: the form opens once the selection has rested for a moment.
  let pointer = "mouse";
  let touchTimer;
  // While a button or finger is down, the pointer owns the selection: focusing the text
  // must not put the keyboard caret's selection back in the middle of a drag.
  let pressing = false;
  document.addEventListener("pointerdown", (event) => {
    pointer = event.pointerType;
    pressing = true;
  });
  for (const kind of ["pointerup", "pointercancel"]) {
    document.addEventListener(kind, () => {
      pressing = false;
    });
  }
  document.addEventListener("selectionchange", () => {
    if (!canAnnotate || pointer !== "touch" || (panel && !panel.hidden)) return;
    window.clearTimeout(touchTimer);
    touchTimer = window.setTimeout(() => {
      const selected = selectedPassage();
      if (selected && panel.hidden) openNewForm(selected);
    }, 600);
  });

  reader.addEventListener("focusin", (event) => {
    if (event.target !== articleEl()) return;
    const selection = window.getSelection();
    if (caret === null) caret = anchor = 0;
    if (pressing) return;
    if (selection.isCollapsed || !inText(selection.anchorNode)) drawCaret();
  });

  reader.addEventListener("focusout", (event) => {
    if (!inText(event.relatedTarget)) hideCaret();
  });

  reader.addEventListener("click", (event) => {
    const option = event.target.closest("#annotation-form [role=option]");
    if (option) {
      const input = document.getElementById("ann-" + option.closest(".suggestions").id.replace("-suggestions", ""));
      acceptOption(input, option);
      input.focus();
      return;
    }
    const quoteLink = event.target.closest(".entry-quote");
    if (quoteLink) {
      event.preventDefault();
      goTo(quoteLink.dataset.id);
      return;
    }
    const stanceButton = event.target.closest("#annotation-form button[data-stance]");
    if (stanceButton) {
      setStance(formEl(), stanceButton.dataset.stance);
      return;
    }
    const reapply = event.target.closest("#annotation-form [data-action=reapply]");
    if (reapply) {
      // Put the refused values back into the form, over the current ones, to save again.
      const form = formEl();
      form.querySelector("#ann-actor").value = reapply.dataset.refusedActor;
      form.querySelector("#ann-claim").value = reapply.dataset.refusedClaim;
      form.querySelector("#ann-note").value = reapply.dataset.refusedNote;
      form.querySelector("input[name=stance]").value = "";
      if (reapply.dataset.refusedStance) setStance(form, reapply.dataset.refusedStance);
      else setStance(form, "");
      form.querySelector("button[type=submit]").focus();
      return;
    }
    if (event.target.closest("#annotation-form [data-action=close]")) {
      closePanel();
      return;
    }
    const seg = event.target.closest("#document-text .hl");
    if (seg && window.getSelection().isCollapsed) {
      const ids = seg.dataset.ids.split(" ");
      if (canAnnotate) openEditForm(seg.dataset.top, ids);
      else markCurrent(seg.dataset.top);
    }
  });

  const TYPING = "input[type=text], input[type=search], input:not([type]), textarea, select";

  function inText(node) {
    const text = articleEl();
    return Boolean(text && node && text.contains(node));
  }

  document.addEventListener("keydown", (event) => {
    pointer = "keyboard";
    if (inText(event.target) && (!panel || panel.hidden)) {
      const seg = event.target.closest("[data-s]");
      if (seg && ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"].includes(event.key)) {
        // From a highlight that j/k moved to, the caret starts at that highlight.
        caret = anchor = segmentIndex().byElement.get(seg).u;
      }
      if (caretKey(event)) {
        if (document.activeElement !== articleEl()) articleEl().focus({ preventScroll: true });
        return;
      }
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.matches && target.matches("#annotation-form [role=combobox]") && comboKey(event, target)) return;
    const inPanel = panel && panel.contains(target);
    if (event.key === "Escape" && panel && !panel.hidden) {
      event.preventDefault();
      closePanel();
      return;
    }
    if (inPanel) {
      const form = formEl();
      if (event.key === "Enter" && (target.matches("button[data-stance]") || (target.matches("textarea") && !event.shiftKey))) {
        event.preventDefault();
        form.requestSubmit();
        return;
      }
      if (!target.matches(TYPING) && ["1", "2", "3"].includes(event.key)) {
        event.preventDefault();
        setStance(form, STANCES[Number(event.key) - 1]);
      }
      return;
    }
    if (target.matches(TYPING) || target.isContentEditable) return;
    if (event.key === "a" && canAnnotate) {
      const selected = selectedPassage();
      if (selected) {
        event.preventDefault();
        openNewForm(selected);
      }
    } else if (event.key === "j" || event.key === "k") {
      event.preventDefault();
      step(event.key === "j" ? 1 : -1);
    } else if (event.key === "Enter" && target.matches && target.matches("#document-text .hl")) {
      event.preventDefault();
      if (canAnnotate) openEditForm(target.dataset.top, target.dataset.ids.split(" "));
    }
  });

  document.addEventListener("input", (event) => {
    if (event.target.matches && event.target.matches("#annotation-form [role=combobox]")) {
      event.target.dataset.typed = "true";
    }
  });

  // Suggestions arrive: open the list under the field being typed in, first entry ready.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const box = event.detail.target;
    if (!box || !box.classList || !box.classList.contains("suggestions")) return;
    const input = document.getElementById("ann-" + box.id.replace("-suggestions", ""));
    if (!input) return;
    if (document.activeElement === input && input.dataset.typed === "true" && input.value.trim()) {
      showList(input, true);
    } else {
      hideList(input);
    }
  });

  document.addEventListener("mousedown", (event) => {
    // Keep focus in the field while an entry is clicked.
    if (event.target.closest && event.target.closest("#annotation-form [role=option]")) event.preventDefault();
  });

  document.addEventListener("focusout", (event) => {
    const input = event.target;
    if (input.matches && input.matches("#annotation-form [role=combobox]")) hideList(input);
  });

  // A link to the reader may name an annotation: #annotation-12.
  const named = /^#annotation-(\d+)$/.exec(window.location.hash);
  if (named) goTo(named[1]);

  // Refusals (bad input, a stale version) come back as the form, shown in its place.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if ((status === 409 || status === 422) && formEl()) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      event.detail.target = formEl();
    }
  });

  document.body.addEventListener("htmx:afterSwap", (event) => {
    const form = formEl();
    if (form && event.detail.target === form || (event.detail.elt && event.detail.elt.id === "annotation-form")) {
      const status = event.detail.xhr.status;
      if (status === 409 || status === 422) {
        const alert = document.querySelector("#annotation-form [role=alert], #annotation-form [aria-invalid=true]");
        if (alert) focusElement(alert);
      }
    }
    if (event.detail.target && event.detail.target.id === "reader-body" && current) {
      markCurrent(current);
    }
  });

  // A refusal also brings the text and side list as they now are.
  document.body.addEventListener("htmx:oobAfterSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "reader-body" && current) markCurrent(current);
  });

  document.body.addEventListener("htmx:responseError", (event) => {
    if (!panel || panel.hidden) return;
    const message = document.createElement("p");
    message.className = "error";
    message.setAttribute("role", "alert");
    message.textContent = event.detail.xhr.status === 403
      ? "You may read this project but not change it."
      : "The server refused the request (" + event.detail.xhr.status + "). Nothing was changed.";
    formEl().prepend(message);
  });

  document.body.addEventListener("annotationSaved", (event) => {
    if (panel) {
      panel.hidden = true;
      hereList.hidden = true;
    }
    returnFocus = null;
    const id = String(event.detail.id);
    if (!segmentsOf(id).length) {
      // Saved, but the filters hide it: say so, or the save looks as if it did nothing.
      announce("Annotation saved. The current filters hide it; clear them to see it.");
    }
    goTo(id);
  });

  let announceTimer;
  function announce(text) {
    const region = document.querySelector(".undo-region");
    if (!region) return;
    let note = region.querySelector(".saved-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "saved-note";
      region.prepend(note);
    }
    note.textContent = text;
    window.clearTimeout(announceTimer);
    announceTimer = window.setTimeout(() => note.remove(), 8000);
  }

  document.body.addEventListener("annotationTrashed", () => {
    if (panel) {
      panel.hidden = true;
      hereList.hidden = true;
    }
    returnFocus = null;
    current = null;
    const undo = document.querySelector("#undo-bar button");
    if (undo) undo.focus();
    window.clearTimeout(undoTimer);
    undoTimer = window.setTimeout(() => {
      const bar = document.getElementById("undo-bar");
      if (!bar) return;
      const hadFocus = bar.contains(document.activeElement);
      bar.hidden = true;
      bar.replaceChildren();
      if (hadFocus) focusElement(articleEl());
    }, 10000);
  });

  // Live updates: a colleague's new, changed, trashed or restored annotation arrives as an
  // event (Server-Sent Events); the text and the side list are then fetched again with the
  // filters shown. The annotation form lies outside them, so what is typed there stays.
  const eventsUrl = reader.dataset.eventsUrl;
  const documentId = Number(reader.dataset.documentId);
  if (eventsUrl && window.EventSource) {
    const source = new EventSource(eventsUrl);
    let refreshTimer = null;
    const refresh = () => {
      refreshTimer = null;
      const filters = document.getElementById("reader-filters");
      const query = filters ? new URLSearchParams(new FormData(filters)).toString() : "";
      const url = (filters ? filters.getAttribute("action") : window.location.pathname) + (query ? "?" + query : "");
      htmx.ajax("GET", url, { target: "#reader-body", swap: "outerHTML" });
    };
    // This page's own changes come back as events too; what the page already shows as
    // the event says is left alone, so the text is not swapped under the person's hand.
    const alreadyShown = (kind, data) => {
      const entry = document.getElementById("entry-" + data.id);
      if (kind === "annotation.trashed") return entry === null;
      if (entry === null) return false;
      const time = entry.querySelector("time");
      return !!time && Date.parse(time.getAttribute("datetime")) >= Date.parse(data.updated_at);
    };
    ["annotation.created", "annotation.updated", "annotation.trashed", "annotation.restored"].forEach((kind) => {
      source.addEventListener(kind, (event) => {
        let data = null;
        try {
          data = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        if (!data || data.document !== documentId || alreadyShown(kind, data)) return;
        // Several changes at once (a bulk import) make one fetch.
        if (refreshTimer === null) refreshTimer = window.setTimeout(refresh, 150);
      });
    });
    window.addEventListener("pagehide", () => source.close());
  }
})();
