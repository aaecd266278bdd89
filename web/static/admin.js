// The admin page's small helpers: confirm destructive actions, copy and count down a
// one-time code, keep unsaved settings across a sign-in. Every page works without it.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);

  // A form with data-confirm asks first: the first press turns its button into
  // "Yes, …" with a Cancel beside it; only the second press submits, with confirm=yes
  // (the server checks it: without it, as without JavaScript, it asks on a page).
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    const btn = form.querySelector("button[type=submit]");
    const label = btn.textContent;
    let note = null, cancel = null, yes = null;
    const disarm = () => {
      form.dataset.armed = ""; btn.textContent = label;
      if (note) { note.remove(); note = null; }
      if (cancel) { cancel.remove(); cancel = null; }
      if (yes) { yes.remove(); yes = null; }
    };
    form.addEventListener("submit", (ev) => {
      if (form.dataset.armed === "1") return;
      ev.preventDefault();
      form.dataset.armed = "1";
      btn.textContent = "Yes, " + label.charAt(0).toLowerCase() + label.slice(1);
      note = document.createElement("span");
      note.className = "confirm-note"; note.setAttribute("role", "alert"); note.textContent = form.dataset.confirm;
      cancel = document.createElement("button");
      cancel.type = "button"; cancel.className = "secondary"; cancel.textContent = "Cancel";
      cancel.addEventListener("click", () => { disarm(); btn.focus(); });
      yes = document.createElement("input");
      yes.type = "hidden"; yes.name = "confirm"; yes.value = "yes";
      form.prepend(note); form.append(cancel, yes);
      btn.focus();
    });
  }

  // Copy buttons (data-copy); without the Clipboard API the code is selected instead.
  for (const b of document.querySelectorAll("button[data-copy]")) {
    b.addEventListener("click", () => {
      const label = b.textContent;
      const done = () => { b.textContent = "Copied"; setTimeout(() => { b.textContent = label; }, 2000); };
      const select = () => {
        const code = $("otc-code"); if (!code) return;
        const range = document.createRange(); range.selectNodeContents(code);
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
        b.textContent = "Selected: press Ctrl+C (remove the spaces)";
      };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(b.dataset.copy).then(done, select);
      else select();
    });
  }

  // The one-time code's countdown, from its expiry in server time (the page says what
  // time the server had, so a browser clock that is off does not matter).
  const left = $("otc-left");
  if (left && left.dataset.expires) {
    const serverNow = parseInt(document.documentElement.dataset.now, 10) * 1000;
    const ends = Date.now() + (parseInt(left.dataset.expires, 10) * 1000 - serverNow);
    let timer = 0;
    const tick = () => {
      const s = Math.ceil((ends - Date.now()) / 1000);
      left.textContent = s > 0 ? "Valid for " + s + " s more." : "Expired: make a new code if the customer still needs one.";
      left.classList.toggle("expired", s <= 0);
      if (s <= 0) clearInterval(timer);
    };
    tick(); timer = setInterval(tick, 1000);
  }
  // Settings: unsaved edits are kept in this tab (sessionStorage, never the SMTP
  // password) so a session that timed out loses nothing: after signing in again the page
  // comes back with them, and says so. A save that went through forgets them.
  const form = $("settings");
  if (form) {
    const key = "shopauth.settingsDraft";
    const fields = [...form.elements].filter((e) => e.name && e.name.includes("/") && e.type !== "password");
    if (form.dataset.saved === "1") sessionStorage.removeItem(key);
    let draft = null;
    try { draft = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { draft = null; }
    if (draft && !form.querySelector("[aria-invalid=true]")) {
      const restored = [];
      for (const f of fields) {
        if (f.name in draft && draft[f.name] !== f.value) {
          f.value = draft[f.name];
          const section = f.closest("details"); if (section) section.open = true;
          restored.push(f.labels && f.labels[0] ? f.labels[0].textContent : f.name);
        }
      }
      if (restored.length) {
        const note = $("draft-note");
        note.textContent = "Your unsaved changes are back (" + restored.join("; ") + "). Save to keep them, or ";
        const discard = document.createElement("button");
        discard.type = "button"; discard.className = "secondary"; discard.id = "draft-discard"; discard.textContent = "discard them";
        discard.addEventListener("click", () => { sessionStorage.removeItem(key); window.location.replace("/admin/settings"); });
        note.append(discard); note.hidden = false;
      }
    }
    const original = new Map(fields.map((f) => [f.name, f.defaultValue !== undefined && f.tagName !== "SELECT" ? f.defaultValue :
      [...f.options].find((o) => o.defaultSelected)?.value]));
    // A folded section says that it holds an unsaved edit.
    const mark = () => {
      for (const section of form.querySelectorAll("details")) {
        const badge = section.querySelector(".group-changed");
        if (badge) badge.hidden = ![...section.querySelectorAll("[name]")].some((f) => fields.includes(f) && f.value !== original.get(f.name));
      }
    };
    const keep = () => {
      const d = {};
      for (const f of fields) if (f.value !== original.get(f.name)) d[f.name] = f.value;
      if (Object.keys(d).length) sessionStorage.setItem(key, JSON.stringify(d)); else sessionStorage.removeItem(key);
      mark();
    };
    mark();
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
  }
})();
