// The workshop walk-through: every step sends a real request and shows it as curl.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const base = window.location.origin;
  const otcLifetime = parseInt($("admin-path").dataset.otcLifetime, 10) || 0;
  let token = "", adminToken = "", countdownTimer = 0, otcTimer = 0, revoked = false;
  // customer is the one 6b signed in as: 6c and 6d follow it.
  let customer = null;
  // otc is the code 6c made: for whom, when it runs out, whether it was used.
  let otc = null;

  function shellQuote(s) { return "'" + s.replace(/'/g, "'\\''") + "'"; }

  // curl writes the command a step sent. A bearer token that is the one in step 2 is
  // written as $TOKEN (step 2 shows TOKEN=… once), and -i is added where the status is
  // the point.
  function curl(method, path, headers, body, opts) {
    let c = "curl -s" + (opts && opts.status ? "i" : "");
    if (method !== "GET") c += " -X " + method;
    c += " " + base + path;
    for (const [k, v] of Object.entries(headers)) {
      if (k === "Authorization" && token && v === "Bearer " + token) c += " \\\n  -H \"Authorization: Bearer $TOKEN\"";
      else if (k === "Authorization" && adminToken && v === "Bearer " + adminToken) c += " \\\n  -H \"Authorization: Bearer $ADMIN_TOKEN\"";
      else c += " \\\n  -H " + shellQuote(k + ": " + v);
    }
    if (body !== undefined) c += " \\\n  -d " + shellQuote(body);
    return c;
  }

  // copy puts text on the clipboard; without the Clipboard API (plain http on another
  // host than localhost) it selects the text so Ctrl+C copies it.
  function copy(button, pre, text) {
    const label = button.textContent;
    const done = () => { button.textContent = "Copied"; setTimeout(() => { button.textContent = label; }, 2000); };
    const select = () => {
      const range = document.createRange(); range.selectNodeContents(pre);
      const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
      button.textContent = "Selected: press Ctrl+C";
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, select);
    } else {
      select();
    }
  }

  function button(text, aria, onClick) {
    const b = document.createElement("button");
    b.type = "button"; b.className = "secondary copy"; b.textContent = text;
    if (aria) b.setAttribute("aria-label", aria);
    b.addEventListener("click", onClick);
    return b;
  }

  // codeBlock shows a command with a Copy button; a password in its JSON body is masked
  // until Reveal is pressed. Copy always copies the real command.
  function codeBlock(out, title, text, className, secret) {
    const h = document.createElement("h3"); h.textContent = title;
    const pre = document.createElement("pre"); pre.className = className;
    const field = secret ? shellQuote(JSON.stringify(secret)).slice(1, -1) : "";
    const mask = (s) => (secret ? s.split('"password":' + field).join('"password":"' + "•".repeat(8) + '"') : s);
    pre.textContent = mask(text);
    h.append(button("Copy", "Copy the command", () => copy(h.lastChild, pre, text)));
    if (secret && mask(text) !== text) {
      const reveal = button("Reveal password", null, () => {
        const shown = pre.textContent === text;
        pre.textContent = shown ? mask(text) : text;
        reveal.textContent = shown ? "Reveal password" : "Hide password";
        reveal.setAttribute("aria-pressed", String(!shown));
      });
      reveal.setAttribute("aria-pressed", "false");
      h.insertBefore(reveal, h.lastChild);
    }
    out.append(h, pre);
    return pre;
  }

  function show(outId, request, status, text, secret) {
    const out = $(outId);
    out.textContent = "";
    codeBlock(out, "Request", request, "request", secret);
    const h2 = document.createElement("h3"); h2.textContent = "Response ";
    const st = document.createElement("span");
    st.textContent = "HTTP " + status;
    st.className = status >= 200 && status < 300 ? "status-ok" : "status-bad";
    h2.append(st); out.append(h2);
    const body = document.createElement("pre");
    let pretty = text;
    try { pretty = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON */ }
    body.textContent = pretty; body.className = "response"; out.append(body);
  }

  async function send(outId, method, path, headers, bodyObj, opts) {
    const body = bodyObj === undefined ? undefined : JSON.stringify(bodyObj);
    const shown = Object.assign({ "Content-Type": "application/json" }, headers);
    let status = 0, text = "";
    try {
      const res = await fetch(path, { method, headers: shown, body, credentials: "omit" });
      status = res.status; text = await res.text();
    } catch (e) { text = String(e); }
    show(outId, curl(method, path, shown, body, opts), status, text, opts && opts.secret);
    try { return { status, json: JSON.parse(text) }; } catch (e) { return { status, json: null }; }
  }

  function graphql(outId, query, variables, bearer, opts) {
    const headers = bearer ? { Authorization: "Bearer " + bearer } : {};
    return send(outId, "POST", "/graphql", headers, variables ? { query, variables } : { query }, opts);
  }

  // gate enables a button, or disables it with the reason next to it.
  function gate(id, why) {
    const b = $(id), note = $("why-" + id.replace(/-go$/, ""));
    b.disabled = !!why;
    if (note) { note.textContent = why || ""; note.hidden = !why; }
  }

  function done(step, yes) { $("nav-" + step).classList.toggle("done", yes !== false); }

  // Folding: a completed step folds to one line with its result when a later step is
  // used, so the page stays short and the presenter never scrolls far back; its Show
  // button (or the step navigator) opens it again. The step being used stays open.
  const units = ["1", "2", "3", "4", "5", "6a", "6b", "6c", "6d"];
  const completed = {};
  function fold(u, closed) {
    const b = $("fold-" + u);
    $("body-" + u).hidden = closed;
    $("sum-" + u).hidden = !closed;
    b.setAttribute("aria-expanded", String(!closed));
    b.textContent = closed ? "Show" : "Hide";
    $("step-" + u).classList.toggle("folded", closed);
  }
  // summarize writes a step's one-line result: the HTTP status, then what it means.
  function summarize(u, status, text) {
    const sum = $("sum-" + u); sum.textContent = "";
    if (status) {
      const st = document.createElement("span");
      st.textContent = "HTTP " + status;
      st.className = status >= 200 && status < 300 ? "status-ok" : "status-bad";
      sum.append(st, " – ");
    }
    sum.append(text);
  }
  // complete marks a step done with its result; it stays open until a later step is used.
  function complete(u, status, text) {
    completed[u] = true;
    summarize(u, status, text);
    $("fold-" + u).hidden = false;
  }
  // incomplete puts a step back to not done (its result is gone, or it failed): open,
  // nothing to fold.
  function incomplete(u) {
    completed[u] = false;
    fold(u, false);
    $("fold-" + u).hidden = true;
  }
  // using u folds every completed step before it and opens u.
  function using(u) {
    for (const v of units) {
      if (v === u) break;
      if (completed[v]) fold(v, true);
    }
    fold(u, false);
  }
  for (const u of units) {
    $("fold-" + u).addEventListener("click", () => fold(u, !$("body-" + u).hidden));
  }
  // A step navigator link opens its step (and, for 6, every folded part of it).
  for (const a of document.querySelectorAll("#stepnav a")) {
    a.addEventListener("click", () => {
      const n = a.id.replace("nav-", "");
      for (const u of units) if (u === n || (n === "6" && u.startsWith("6"))) fold(u, false);
    });
  }

  function b64url(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    return atob(s);
  }

  // duration writes seconds as "2 h 29 min 58 s".
  function duration(sec) {
    const h = Math.floor(sec / 3600), m = Math.floor((sec % 3600) / 60), s = sec % 60;
    return (h ? h + " h " : "") + (h || m ? m + " min " : "") + s + " s";
  }

  function when(sec) {
    const d = new Date(sec * 1000);
    return d.toLocaleString() + " (local), " + d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  }

  const meaning = {
    uid: (v, c) => "the user's id: " + (c.utypid === 2 ? "admin" : "customer") + " #" + v,
    utypid: (v) => "user type: " + ({ 3: "3 = customer", 2: "2 = admin" }[v] || v + " = other") + " (Magento's UserContextInterface)",
    admin_id: (v) => "the admin (#" + v + ") acting for the customer: login as customer; the audit log names them",
    iat: (v) => "issued at: " + when(v),
    exp: (v) => "expires at: " + when(v),
    iat_us: (v) => "issued at, in microseconds (shopauth's): orders the token against a sign-out in the same second",
    jti: () => "a random id: two tokens for the same user and second still differ",
  };

  // showToken puts a customer token in step 2; whose(claims) says whose it is.
  function showToken(t, whose) {
    const [h, p] = t.split(".");
    const claims = JSON.parse(b64url(p));
    token = t;
    try { sessionStorage.setItem("shopauth.customerToken", t); } catch (e) { /* storage off */ }
    $("token-whose").textContent = whose(claims);
    const shell = $("token-shell"); shell.textContent = "";
    codeBlock(shell, "In your shell (steps 3 to 5 use $TOKEN)", "TOKEN=" + shellQuote(t), "token-line");
    $("token-header").textContent = b64url(h);
    const rows = $("token-claims-rows"); rows.textContent = "";
    for (const [k, v] of Object.entries(claims)) {
      const tr = document.createElement("tr");
      const th = document.createElement("th"); th.scope = "row"; th.textContent = k;
      const tv = document.createElement("td"); tv.textContent = JSON.stringify(v); tv.dataset.label = "Value";
      const tm = document.createElement("td"); tm.textContent = meaning[k] ? meaning[k](v, claims) : ""; tm.dataset.label = "Meaning";
      tr.append(th, tv, tm); rows.append(tr);
    }
    $("token-none").hidden = true; $("token-view").hidden = false;
    completed["2"] = true; $("fold-2").hidden = false;
    clearInterval(countdownTimer);
    revoked = false;
    const tick = () => {
      const left = claims.exp - Math.floor(Date.now() / 1000);
      const text = left > 0 ? duration(left) : "expired";
      $("countdown").textContent = revoked && left > 0 ? text + " (but revoked)" : text;
      if (completed["2"]) summarize("2", 0, $("token-whose").textContent + " Expires in " + $("countdown").textContent + ".");
    };
    tick(); countdownTimer = setInterval(tick, 1000);
    // Results of steps 3 to 5 were for the previous token: they go.
    for (const id of ["query-out", "revoke-out", "again-out"]) $(id).textContent = "";
    for (const u of ["3", "4", "5"]) incomplete(u);
    done(1); done(2); done(3, false); done(4, false); done(5, false);
    gate("query-go"); gate("revoke-go"); gate("again-go", "Revoke the token first (step 4).");
    return claims;
  }

  $("signin").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    using("1");
    const email = $("email").value, password = $("password").value;
    const r = await graphql("signin-out",
      "mutation SignIn($email: String!, $password: String!) { generateCustomerToken(email: $email, password: $password) { token } }",
      { email, password }, null, { secret: password });
    const t = r.json && r.json.data && r.json.data.generateCustomerToken && r.json.data.generateCustomerToken.token;
    if (t) {
      showToken(t, (c) => "Customer #" + c.uid + " (" + email + "), signed in with a password.");
      complete("1", r.status, "a customer token for " + email + ", in step 2.");
      fold("2", false);
    } else {
      incomplete("1");
    }
  });

  const customerQuery = "{ customer { firstname lastname email allow_remote_shopping_assistance } }";
  // firstError is the message of a GraphQL answer's first error.
  function firstError(r) { return r.json && r.json.errors && r.json.errors[0] ? r.json.errors[0].message : "no answer"; }

  $("query-go").addEventListener("click", async () => {
    using("3");
    const r = await graphql("query-out", customerQuery, null, token);
    const c = r.json && r.json.data && r.json.data.customer;
    done(3, r.status === 200 && !!c);
    if (r.status === 200 && c) complete("3", r.status, c.firstname + " " + c.lastname + ", " + c.email + ".");
    else incomplete("3");
  });
  $("revoke-go").addEventListener("click", async () => {
    using("4");
    const r = await graphql("revoke-out", "mutation { revokeCustomerToken { result } }", null, token);
    if (r.status === 200) { revoked = true; gate("again-go"); done(4); complete("4", r.status, "the token is revoked."); } else incomplete("4");
  });
  $("again-go").addEventListener("click", async () => {
    using("5");
    const r = await graphql("again-out", customerQuery, null, token, { status: true });
    done(5, r.status === 401);
    if (r.status === 401) complete("5", r.status, firstError(r) + ": the revoked token is refused."); else incomplete("5");
  });

  $("admin").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    using("6a");
    const username = $("admin-user").value, password = $("admin-password").value;
    const otp = $("admin-otp") ? $("admin-otp").value.trim() : "";
    const r = otp
      ? await send("admin-out", "POST", "/rest/V1/tfa/provider/google/authenticate", {}, { username, password, otp }, { secret: password })
      : await send("admin-out", "POST", "/rest/V1/integration/admin/token", {}, { username, password }, { secret: password });
    if (r.status === 200 && typeof r.json === "string") {
      adminToken = r.json;
      codeBlock($("admin-out"), "In your shell (6b and 6c use $ADMIN_TOKEN)", "ADMIN_TOKEN=" + shellQuote(adminToken), "token-line");
      try { sessionStorage.setItem("shopauth.adminToken", adminToken); } catch (e) { /* storage off */ }
      gate("lac-go");
      gate("otc-go", customer ? null : "Needs a customer: log in as one first (6b).");
      complete("6a", r.status, "an admin token for " + username + ", in $ADMIN_TOKEN.");
    } else {
      incomplete("6a");
    }
  });

  function setCustomer(c) {
    customer = c;
    $("otc-for").textContent = c ? "For customer #" + c.id + " (" + c.email + "), the one 6b signed in as." : "No customer yet: 6b picks one.";
    $("exchange-email").value = c ? c.email : "";
    gate("otc-go", !adminToken ? "Needs an admin token (6a)." : c ? null : "Needs a customer: log in as one first (6b).");
  }

  $("lac").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    using("6b");
    const email = $("lac-email").value;
    const r = await graphql("lac-out",
      "mutation AsAdmin($email: String!) { generateCustomerTokenAsAdmin(input: { customer_email: $email }) { customer_token } }",
      { email }, adminToken);
    const t = r.json && r.json.data && r.json.data.generateCustomerTokenAsAdmin && r.json.data.generateCustomerTokenAsAdmin.customer_token;
    if (!t) { setCustomer(null); incomplete("6b"); return; }
    const claims = showToken(t, (c) => "Customer #" + c.uid + " (" + email + "), for admin #" + c.admin_id + " acting for them (login as customer).");
    setCustomer({ id: claims.uid, email });
    $("token-moved").hidden = false;
    done(6);
    complete("6b", r.status, "customer #" + claims.uid + " (" + email + "); the token is in step 2.");
  });

  function otcCountdown() {
    clearInterval(otcTimer);
    const tick = () => {
      const left = Math.ceil((otc.expires - Date.now()) / 1000);
      const el = $("otc-left"); el.hidden = false;
      el.textContent = otc.used ? "The code was used: it works once." :
        left > 0 ? "The code is valid for " + duration(left) + " more." : "The code expired: make a new one (6c).";
      if (completed["6c"] && otc.status) summarize("6c", otc.status, "a code for customer #" + otc.customer.id + ". " + el.textContent);
      if (left <= 0 || otc.used) clearInterval(otcTimer);
    };
    tick(); otcTimer = setInterval(tick, 1000);
  }

  $("otc").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!customer) return;
    using("6c");
    const r = await send("otc-out", "POST", "/rest/V1/customer/" + customer.id + "/otp", { Authorization: "Bearer " + adminToken }, { reason: $("otc-reason").value });
    if (r.status === 200 && r.json && r.json.otp) {
      otc = { code: r.json.otp, customer, expires: Date.now() + otcLifetime * 1000, used: false, status: r.status };
      $("exchange-otp").value = r.json.otp;
      gate("exchange-go");
      complete("6c", r.status, "");
      otcCountdown();
    } else {
      incomplete("6c");
    }
  });

  // whyRefused says on the page why an exchange failed; the API keeps Magento's one
  // message for every case (it tells an attacker nothing), and the audit log's
  // customer.otc_failed entry names the reason too.
  function whyRefused(code, email) {
    if (!otc || code !== otc.code) return "This is not the code 6c made on this page, or it was mistyped.";
    if (otc.used) return "The code was used already: a one-time code works once. Make a new one (6c).";
    if (Date.now() >= otc.expires) return "The code expired: it was valid for " + otcLifetime + " s. Make a new one (6c).";
    if (email.toLowerCase() !== otc.customer.email.toLowerCase()) return "The code is another customer's (" + otc.customer.email + ").";
    return "Login as customer may have been switched off, or the customer withdrew remote shopping assistance, since the code was made. " +
      "The admin page's audit log (customer.otc_failed) says which.";
  }

  $("exchange").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    using("6d");
    const email = $("exchange-email").value, code = $("exchange-otp").value.trim();
    const r = await graphql("exchange-out",
      "mutation Exchange($email: String!, $otp: String!) { exchangeOtpForCustomerToken(email: $email, otp: $otp) { token } }",
      { email, otp: code });
    const t = r.json && r.json.data && r.json.data.exchangeOtpForCustomerToken && r.json.data.exchangeOtpForCustomerToken.token;
    const why = $("exchange-why");
    if (t) {
      why.hidden = true;
      if (otc && code === otc.code) { otc.used = true; otcCountdown(); }
      const claims = showToken(t, (c) => "Customer #" + c.uid + " (" + email + "), from a one-time code admin #" + c.admin_id + " made.");
      $("token-moved").hidden = false;
      complete("6d", r.status, "a token for customer #" + claims.uid + " (" + email + "), in step 2.");
      return;
    }
    incomplete("6d");
    why.textContent = "Why it was refused: " + whyRefused(code, email) + " The API answers only Magento's message above.";
    why.hidden = false;
  });

  setCustomer(null);
  gate("signin-go"); gate("admin-go");
})();
