// The workshop walk-through: every step sends a real request and shows it as curl.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const base = window.location.origin;
  let token = "", adminToken = "", countdownTimer = 0, revoked = false;

  function shellQuote(s) { return "'" + s.replace(/'/g, "'\\''") + "'"; }

  function curl(method, path, headers, body) {
    let c = "curl -s";
    if (method !== "GET") c += " -X " + method;
    c += " " + base + path;
    for (const [k, v] of Object.entries(headers)) c += " \\\n  -H " + shellQuote(k + ": " + v);
    if (body !== undefined) c += " \\\n  -d " + shellQuote(body);
    return c;
  }

  // copy puts text on the clipboard; without the Clipboard API (plain http on another
  // host than localhost) it selects the text so Ctrl+C copies it.
  function copy(button, pre) {
    const done = () => { button.textContent = "Copied"; setTimeout(() => { button.textContent = "Copy"; }, 2000); };
    const select = () => {
      const range = document.createRange(); range.selectNodeContents(pre);
      const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
      button.textContent = "Selected: press Ctrl+C";
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(pre.textContent).then(done, select);
    } else {
      select();
    }
  }

  function show(outId, request, status, text) {
    const out = $(outId);
    out.textContent = "";
    const h = document.createElement("h3"); h.textContent = "Request";
    const pre = document.createElement("pre"); pre.textContent = request; pre.className = "request";
    const btn = document.createElement("button");
    btn.type = "button"; btn.className = "secondary copy"; btn.textContent = "Copy";
    btn.setAttribute("aria-label", "Copy the curl command");
    btn.addEventListener("click", () => copy(btn, pre));
    h.append(btn); out.append(h, pre);
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

  async function send(outId, method, path, headers, bodyObj) {
    const body = bodyObj === undefined ? undefined : JSON.stringify(bodyObj);
    const shown = Object.assign({ "Content-Type": "application/json" }, headers);
    let status = 0, text = "";
    try {
      const res = await fetch(path, { method, headers: shown, body, credentials: "omit" });
      status = res.status; text = await res.text();
    } catch (e) { text = String(e); }
    show(outId, curl(method, path, shown, body), status, text);
    try { return { status, json: JSON.parse(text) }; } catch (e) { return { status, json: null }; }
  }

  function graphql(outId, query, variables, bearer) {
    const headers = bearer ? { Authorization: "Bearer " + bearer } : {};
    return send(outId, "POST", "/graphql", headers, variables ? { query, variables } : { query });
  }

  function b64url(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    return atob(s);
  }

  // keep leaves a token for the GraphQL explorer (/graphql) of this browser tab.
  function keep(key, t) { try { sessionStorage.setItem(key, t); } catch (e) { /* storage off */ } }

  function showToken(t) {
    keep("shopauth.customerToken", t);
    const [h, p] = t.split(".");
    const claims = JSON.parse(b64url(p));
    $("token").textContent = t;
    $("token-header").textContent = b64url(h);
    $("token-claims").textContent = JSON.stringify(claims);
    $("token-none").hidden = true; $("token-view").hidden = false;
    clearInterval(countdownTimer);
    revoked = false;
    const tick = () => {
      const left = claims.exp - Math.floor(Date.now() / 1000);
      const text = left > 0 ? Math.floor(left / 60) + " min " + (left % 60) + " s" : "expired";
      $("countdown").textContent = revoked && left > 0 ? text + " (but revoked)" : text;
    };
    tick(); countdownTimer = setInterval(tick, 1000);
    // A token made for an admin names the customer the one-time code step is for.
    if (claims.admin_id && claims.uid) $("otc-id").value = claims.uid;
    $("again-go").disabled = true;
  }

  $("signin").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = await graphql("signin-out",
      "mutation SignIn($email: String!, $password: String!) { generateCustomerToken(email: $email, password: $password) { token } }",
      { email: $("email").value, password: $("password").value });
    const t = r.json && r.json.data && r.json.data.generateCustomerToken && r.json.data.generateCustomerToken.token;
    if (t) { token = t; showToken(t); $("query-go").disabled = false; $("revoke-go").disabled = false; }
  });

  const customerQuery = "{ customer { firstname lastname email allow_remote_shopping_assistance } }";
  $("query-go").addEventListener("click", () => graphql("query-out", customerQuery, null, token));
  $("revoke-go").addEventListener("click", async () => {
    const r = await graphql("revoke-out", "mutation { revokeCustomerToken { result } }", null, token);
    if (r.status === 200) { revoked = true; $("again-go").disabled = false; }
  });
  $("again-go").addEventListener("click", () => graphql("again-out", customerQuery, null, token));

  $("admin").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const otp = $("admin-otp").value.trim();
    const r = otp
      ? await send("admin-out", "POST", "/rest/V1/tfa/provider/google/authenticate", {}, { username: $("admin-user").value, password: $("admin-password").value, otp })
      : await send("admin-out", "POST", "/rest/V1/integration/admin/token", {}, { username: $("admin-user").value, password: $("admin-password").value });
    if (r.status === 200 && typeof r.json === "string") {
      adminToken = r.json; keep("shopauth.adminToken", adminToken); $("lac-go").disabled = false; $("otc-go").disabled = false;
    }
  });

  $("lac").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = await graphql("lac-out",
      "mutation AsAdmin($email: String!) { generateCustomerTokenAsAdmin(input: { customer_email: $email }) { customer_token } }",
      { email: $("lac-email").value }, adminToken);
    const t = r.json && r.json.data && r.json.data.generateCustomerTokenAsAdmin && r.json.data.generateCustomerTokenAsAdmin.customer_token;
    if (t) { token = t; showToken(t); $("query-go").disabled = false; $("revoke-go").disabled = false; $("token-moved").hidden = false; }
    $("exchange-email").value = $("lac-email").value;
  });

  $("otc").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const id = encodeURIComponent($("otc-id").value.trim());
    const r = await send("otc-out", "POST", "/rest/V1/customer/" + id + "/otp", { Authorization: "Bearer " + adminToken }, { reason: $("otc-reason").value });
    if (r.status === 200 && r.json && r.json.otp) { $("exchange-otp").value = r.json.otp; $("exchange-go").disabled = false; }
  });

  $("exchange").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = await graphql("exchange-out",
      "mutation Exchange($email: String!, $otp: String!) { exchangeOtpForCustomerToken(email: $email, otp: $otp) { token } }",
      { email: $("exchange-email").value, otp: $("exchange-otp").value.trim() });
    const t = r.json && r.json.data && r.json.data.exchangeOtpForCustomerToken && r.json.data.exchangeOtpForCustomerToken.token;
    if (t) { token = t; showToken(t); $("query-go").disabled = false; $("revoke-go").disabled = false; $("token-moved").hidden = false; }
  });
})();
