// The admin page's small helpers: confirm destructive actions, copy and count down a
// one-time code, keep unsaved settings across a sign-in. Every page works without it.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);

  // A form with data-confirm asks first: the first press turns its button into
  // "Yes, …" with a Cancel beside it; only the second press submits.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    const btn = form.querySelector("button[type=submit]");
    const label = btn.textContent;
    let note = null, cancel = null;
    const disarm = () => {
      form.dataset.armed = ""; btn.textContent = label;
      if (note) { note.remove(); note = null; }
      if (cancel) { cancel.remove(); cancel = null; }
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
      form.prepend(note); form.append(cancel);
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
})();
