// Clientele's only script: small conveniences; every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Mobile navigation toggle.
  for (const button of document.querySelectorAll("[data-toggle]")) {
    button.addEventListener("click", () => {
      const target = document.getElementById(button.dataset.toggle);
      const open = target.classList.toggle("open");
      button.setAttribute("aria-expanded", String(open));
    });
  }
  // Selects that submit their form when changed (the language switcher).
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  // Ask before destructive actions.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
  // Language links on the login page: a cookie the server reads for signed-out visitors, then a reload.
  for (const link of document.querySelectorAll("a[data-lang]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      document.cookie = "clientele_lang=" + link.dataset.lang + "; path=/; max-age=31536000; SameSite=Lax";
      window.location.reload();
    });
  }
});

// The kanban board: drag a card to another stage, or onto Won / Lost. Every move posts the same form the card's
// "Move…" menu posts, so the server checks it, and the page after it says what happened with an undo; the page
// then reloads so counts and sums come from the database, and comes back to where the rep had scrolled.
// Keyboard users and browsers without JavaScript use each card's forms directly.
document.addEventListener("DOMContentLoaded", () => {
  const board = document.querySelector("[data-testid=board]");
  for (const select of document.querySelectorAll("select[data-navigate]")) {
    select.addEventListener("change", () => { window.location.href = select.value; });
  }
  if (!board) return;
  const csrf = document.querySelector("meta[name=csrf-token]")?.content ?? "";
  const here = board.dataset.here;
  const dialog = document.getElementById("lose-dialog");
  const loseForm = document.getElementById("lose-form");
  const scrollKey = "board-scroll:" + window.location.pathname + window.location.search;

  function keepScroll() {
    sessionStorage.setItem(scrollKey, JSON.stringify({ x: board.scrollLeft, y: window.scrollY }));
  }
  const kept = JSON.parse(sessionStorage.getItem(scrollKey) ?? "null");
  if (kept) {
    sessionStorage.removeItem(scrollKey);
    board.scrollLeft = kept.x;
    window.scrollTo(0, kept.y);
  }
  for (const form of board.parentElement.querySelectorAll("form[method=post]")) form.addEventListener("submit", keepScroll);
  loseForm?.addEventListener("submit", keepScroll);

  async function post(path, fields) {
    const body = new URLSearchParams({ _csrf: csrf, next: here, ...fields });
    // The answer is a redirect carrying the notice; following it here would show (and spend) the notice unseen.
    const response = await fetch(path, { method: "POST", credentials: "same-origin", headers: { "Accept": "application/json" }, body, redirect: "manual" });
    if (response.type !== "opaqueredirect" && !response.ok) {
      const problem = await response.json().catch(() => ({}));
      window.alert(problem.detail || ("Error " + response.status));
      return false;
    }
    return true;
  }

  function askLoss(dealID) {
    loseForm.action = "/deals/" + dealID + "/lose";
    if (typeof dialog.showModal === "function") dialog.showModal(); else loseForm.submit();
  }

  dialog?.querySelector("[data-close]")?.addEventListener("click", () => dialog.close());
  // Delegated, so cards loaded later lose the same way.
  board.addEventListener("click", (event) => {
    const button = event.target.closest("[data-lose]");
    if (button) askLoss(button.dataset.lose);
  });

  let dragged = null;
  board.addEventListener("dragstart", (event) => {
    const card = event.target.closest(".deal-card");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.deal);
  });
  board.addEventListener("dragend", () => { dragged?.classList.remove("dragging"); dragged = null; });
  for (const target of document.querySelectorAll(".board .column[data-stage], .board-outcomes .drop")) {
    target.addEventListener("dragover", (event) => { event.preventDefault(); target.classList.add("drag-over"); });
    target.addEventListener("dragleave", () => target.classList.remove("drag-over"));
    target.addEventListener("drop", async (event) => {
      event.preventDefault();
      target.classList.remove("drag-over");
      const dealID = event.dataTransfer.getData("text/plain");
      if (!dealID) return;
      if (target.dataset.outcome === "lost") { askLoss(dealID); return; }
      keepScroll();
      const ok = target.dataset.outcome === "won"
        ? await post("/deals/" + dealID + "/win", {})
        : await post("/deals/" + dealID + "/move", { stage_id: target.dataset.stage });
      if (ok) window.location.reload();
    });
  }

  // "Load more" appends the next cards of a stage exactly as the board shows them.
  for (const button of board.querySelectorAll("[data-more]")) {
    button.addEventListener("click", async () => {
      const response = await fetch(button.dataset.more + "&here=" + encodeURIComponent(here), { credentials: "same-origin" });
      if (!response.ok) return;
      const list = button.parentElement.querySelector(".cards");
      list.insertAdjacentHTML("beforeend", await response.text());
      const next = response.headers.get("X-Next-After");
      if (next) {
        button.dataset.more = button.dataset.more.replace(/after=\d+/, "after=" + next);
      } else {
        button.remove();
      }
    });
  }
});

// The search box in the top bar suggests records as you type (from /api/v1/search); Enter opens the full
// results page, which is also what a browser without JavaScript gets.
document.addEventListener("DOMContentLoaded", () => {
  const input = document.querySelector("input[data-typeahead]");
  if (!input) return;
  const list = input.form.querySelector(".typeahead");
  const labels = { companies: "🏢", contacts: "👤", leads: "✉", deals: "💼" };
  let timer = null;
  let asked = "";

  function show(results) {
    list.replaceChildren();
    for (const kind of ["companies", "contacts", "leads", "deals"]) {
      for (const record of results[kind] ?? []) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = "/" + kind + "/" + record.id;
        link.textContent = labels[kind] + " " + (record.name ?? record.display_name ?? record.title ?? "");
        item.append(link);
        list.append(item);
      }
    }
    list.hidden = list.children.length === 0;
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    // Three letters make a trigram, which the index answers at once; fewer would read every record.
    if (text.length < 3) { list.hidden = true; return; }
    timer = setTimeout(async () => {
      asked = text;
      const response = await fetch("/api/v1/search?limit=5&q=" + encodeURIComponent(text), { credentials: "same-origin" });
      if (!response.ok || asked !== text) return;
      show(await response.json());
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") list.hidden = true;
    if (event.key === "ArrowDown" && !list.hidden) { event.preventDefault(); list.querySelector("a")?.focus(); }
  });
  list.addEventListener("keydown", (event) => {
    const current = document.activeElement.closest("li");
    if (event.key === "ArrowDown") { event.preventDefault(); current?.nextElementSibling?.querySelector("a")?.focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (current?.previousElementSibling?.querySelector("a") ?? input).focus(); }
    if (event.key === "Escape") { list.hidden = true; input.focus(); }
  });
  document.addEventListener("click", (event) => { if (!input.form.contains(event.target)) list.hidden = true; });
});

// Imports: a run reports its progress as it goes (a line of JSON per part of the file) and the page shows it,
// then opens the import's page, which shows what the run found or did. A run refused before it starts, and
// browsers without streaming, post the form as usual.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-progress]");
  const box = document.querySelector("[data-testid=import-progress]");
  if (!form || !box || !window.ReadableStream || !window.TextDecoder) return;
  const meter = box.querySelector("progress");
  const label = box.querySelector("span");
  let streaming = false;
  form.addEventListener("submit", async (event) => {
    if (streaming) return;
    event.preventDefault();
    streaming = true;
    const fallBack = () => { form.submit(); };
    for (const button of form.querySelectorAll("button")) button.disabled = true;
    box.hidden = false;
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST", body: new URLSearchParams(new FormData(form)), headers: { "Accept": "application/x-ndjson" },
      });
    } catch (error) { return fallBack(); }
    if (!response.ok || !response.body) return fallBack();
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (!line.trim()) continue;
        const message = JSON.parse(line);
        if (message.location) { window.location.href = message.location; return; }
        if (message.problem) return fallBack();
        if (message.phase) {
          meter.max = Math.max(message.total, 1);
          meter.value = message.done;
          label.textContent = (box.dataset[message.phase] || message.phase) + ": " + message.done.toLocaleString() + " / " + message.total.toLocaleString();
        }
      }
    }
    fallBack();
  });
});

// Activity forms show the inputs of the chosen kind only: a note has no direction or duration, a task no place.
// Hidden inputs still post what they hold, so an edit never drops a value the form does not show.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-kind-fields]")) {
    const select = form.querySelector("select[name=kind]");
    const show = () => {
      const kind = select ? select.value : form.dataset.kind;
      for (const label of form.querySelectorAll("[data-kinds]")) {
        label.hidden = !label.dataset.kinds.split(" ").includes(kind);
      }
    };
    select?.addEventListener("change", show);
    show();
  }
});

// A new custom field's key is suggested from its label as the admin types it ("Data odnowienia" → data_odnowienia,
// "Дата продления" → data_prodleniya), until they type a key of their own.
document.addEventListener("DOMContentLoaded", () => {
  const cyrillic = { а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "yo", ж: "zh", з: "z", и: "i", й: "y", к: "k", л: "l", м: "m",
    н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "h", ц: "ts", ч: "ch", ш: "sh", щ: "sht", ъ: "a", ы: "y", ь: "",
    э: "e", ю: "yu", я: "ya", ł: "l", ß: "ss" };
  for (const form of document.querySelectorAll("form[data-suggest-key]")) {
    const label = form.querySelector("input[name=label]");
    const key = form.querySelector("input[name=key]");
    if (!label || !key) continue;
    let typed = key.value !== "";
    key.addEventListener("input", () => { typed = key.value !== ""; });
    label.addEventListener("input", () => {
      if (typed) return;
      const plain = [...label.value.toLowerCase()].map((c) => cyrillic[c] ?? c).join("").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      key.value = plain.replace(/[^a-z0-9]+/g, "_").replace(/^[^a-z]+|_+$/g, "").slice(0, 40);
    });
  }
});

// Company choosers are a search-as-you-type field: the select of the first 200 names stays for browsers without
// JavaScript, in <noscript>. The chosen id travels in a hidden input; clearing the text clears the choice.
document.addEventListener("DOMContentLoaded", () => {
  for (const picker of document.querySelectorAll("[data-picker]")) {
    const value = picker.querySelector("[data-picker-value]");
    const input = picker.querySelector("[data-picker-input]");
    const list = picker.querySelector("ul");
    value.disabled = false;
    input.hidden = false;
    let timer = null;
    let asked = "";
    function choose(id, name) {
      value.value = id;
      input.value = name;
      list.hidden = true;
    }
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const text = input.value.trim();
      if (!text) { value.value = ""; list.hidden = true; return; }
      timer = setTimeout(async () => {
        asked = text;
        const response = await fetch(picker.dataset.picker + "?limit=10&q=" + encodeURIComponent(text), { credentials: "same-origin" });
        if (!response.ok || asked !== text) return;
        const page = await response.json();
        list.replaceChildren();
        for (const item of page.items) {
          const option = document.createElement("li");
          option.setAttribute("role", "option");
          option.tabIndex = 0;
          option.dataset.id = item.id;
          option.textContent = item.name;
          option.addEventListener("click", () => choose(item.id, item.name));
          option.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); choose(item.id, item.name); } });
          list.append(option);
        }
        list.hidden = list.children.length === 0;
      }, 150);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && !list.hidden) { event.preventDefault(); list.querySelector("li")?.focus(); }
      if (event.key === "Escape") list.hidden = true;
    });
    document.addEventListener("click", (event) => { if (!picker.contains(event.target)) list.hidden = true; });
  }
});

// Files dropped on (or chosen in) a record's files panel go to the API one at a time, with progress, and the page
// reloads to list them. Without scripts the same panel is a plain multipart form.
document.addEventListener("DOMContentLoaded", () => {
  for (const zone of document.querySelectorAll("form[data-upload]")) {
    const status = zone.querySelector(".drop-status");
    const csrf = zone.querySelector("input[name=_csrf]").value;
    const input = zone.querySelector("input[type=file]");
    input.multiple = true;
    input.required = false;
    const send = (file) => new Promise((resolve, reject) => {
      if (file.size > Number(zone.dataset.maxBytes)) { reject(new Error(`${zone.dataset.tooLarge} ${file.name}`)); return; }
      const request = new XMLHttpRequest();
      request.open("POST", zone.dataset.upload + "?name=" + encodeURIComponent(file.name));
      request.setRequestHeader("X-CSRF-Token", csrf);
      request.setRequestHeader("Content-Type", "application/octet-stream");
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) status.textContent = `${zone.dataset.uploading} ${file.name}: ${Math.round(100 * event.loaded / event.total)} %`;
      });
      request.addEventListener("load", () => {
        if (request.status === 201) { resolve(); return; }
        // The reader's words for the refusals people meet; the server's own sentence otherwise.
        let detail = "";
        try {
          const problem = JSON.parse(request.responseText);
          const code = (problem.errors && problem.errors[0] && problem.errors[0].code) || problem.code;
          detail = zone.dataset["error" + code.replace(/(^|_)([a-z])/g, (_, __, letter) => letter.toUpperCase())] || problem.detail || "";
        } catch { detail = request.statusText; }
        reject(new Error(`${zone.dataset.failed} ${file.name}: ${detail}`));
      });
      request.addEventListener("error", () => reject(new Error(`${zone.dataset.failed} ${file.name}`)));
      request.send(file);
    });
    async function sendAll(files) {
      if (files.length === 0) return;
      zone.classList.remove("failed");
      try {
        for (const file of files) await send(file);
        location.hash = "files";
        location.reload();
      } catch (error) {
        status.textContent = error.message;
        zone.classList.add("failed");
      }
    }
    zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("over");
      sendAll([...event.dataTransfer.files]);
    });
    zone.addEventListener("submit", (event) => { event.preventDefault(); sendAll([...input.files]); });
    input.addEventListener("change", () => sendAll([...input.files]));
  }
});

// The bell follows new notifications live: the server streams them (server-sent events) while the page is open,
// and the browser reconnects on its own when a stream ends.
document.addEventListener("DOMContentLoaded", () => {
  const bell = document.querySelector("[data-stream]");
  if (!bell || !window.EventSource) return;
  const count = bell.querySelector(".bell-count");
  const source = new EventSource(bell.dataset.stream);
  source.addEventListener("open", () => { bell.dataset.live = "true"; });
  source.addEventListener("notifications", (event) => {
    const data = JSON.parse(event.data);
    count.textContent = data.unread > 0 ? String(data.unread) : "";
    bell.classList.toggle("unread", data.unread > 0);
    if (data.items.length > 0) {
      bell.classList.remove("ring");
      void bell.offsetWidth;
      bell.classList.add("ring");
      const last = data.items[data.items.length - 1];
      bell.title = [last.actor_name, last.record_title, last.excerpt].filter(Boolean).join(" · ");
    }
  });
  window.addEventListener("pagehide", () => source.close());
});

// "@" in a comment offers colleagues and teams by name; choosing one writes "@Full Name", which the server turns
// into a mention.
document.addEventListener("DOMContentLoaded", () => {
  for (const area of document.querySelectorAll("textarea[data-mentions]")) {
    const list = area.parentElement.querySelector(".typeahead");
    let start = -1;
    let asked = "";
    function close() { list.hidden = true; start = -1; }
    function choose(name) {
      const before = area.value.slice(0, start);
      const after = area.value.slice(area.selectionStart);
      area.value = `${before}@${name} ${after}`;
      const caret = before.length + name.length + 2;
      area.setSelectionRange(caret, caret);
      area.focus();
      close();
    }
    area.addEventListener("input", async () => {
      const upto = area.value.slice(0, area.selectionStart);
      const match = upto.match(/(^|[\s(])@([^\s@]{0,30})$/u);
      if (!match) { close(); return; }
      start = upto.length - match[2].length - 1;
      const text = match[2];
      asked = text;
      const separator = area.dataset.mentions.includes("?") ? "&" : "?";
      const response = await fetch(`${area.dataset.mentions}${separator}q=${encodeURIComponent(text)}`, { credentials: "same-origin" });
      if (!response.ok || asked !== text) return;
      const page = await response.json();
      list.replaceChildren();
      for (const item of page.items) {
        const option = document.createElement("li");
        option.setAttribute("role", "option");
        option.tabIndex = 0;
        option.textContent = item.detail ? `${item.name} · ${item.detail}` : item.name;
        option.addEventListener("mousedown", (event) => { event.preventDefault(); choose(item.name); });
        option.addEventListener("keydown", (event) => {
          if (event.key === "Enter") { event.preventDefault(); choose(item.name); }
          if (event.key === "Escape") { close(); area.focus(); }
        });
        list.append(option);
      }
      list.hidden = list.children.length === 0;
    });
    area.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && !list.hidden) { event.preventDefault(); list.querySelector("li")?.focus(); }
      if (event.key === "Escape") close();
    });
    area.addEventListener("blur", () => setTimeout(() => { if (!list.contains(document.activeElement)) list.hidden = true; }, 150));
  }
});
