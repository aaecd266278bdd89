// The GraphQL explorer: GraphiQL (vendored, see tools/vendor-graphiql.sh) on /graphql,
// with the walk-through's operations in tabs and the Authorization header ready.
"use strict";
(function () {
  const root = document.getElementById("graphiql");
  if (!root || !window.GraphiQL || !window.React || !window.ReactDOM) return;
  // The walk-through keeps its latest tokens for this tab's session (sessionStorage).
  const saved = (k) => { try { return sessionStorage.getItem(k) || ""; } catch (e) { return ""; } };
  const customerToken = saved("shopauth.customerToken");
  const adminToken = saved("shopauth.adminToken");
  const header = (token, what) => JSON.stringify({ Authorization: "Bearer " + (token || what) }, null, 2);
  const customerHeader = header(customerToken, "PASTE-THE-TOKEN-FROM-SIGN-IN");
  const vars = (o) => JSON.stringify(o, null, 2);
  const tabs = [
    { query: "# 1. Sign in as a customer (Magento's generateCustomerToken).\n# Type the password in Variables below; the demo customer's is in the README.\n" +
        "mutation SignIn($email: String!, $password: String!) {\n  generateCustomerToken(email: $email, password: $password) {\n    token\n  }\n}\n",
      variables: vars({ email: "customer@example.com", password: "" }) },
    { query: "# 3. Ask who you are, with the customer token in the Authorization header (Headers below).\n" +
        "query WhoAmI {\n  customer {\n    firstname\n    lastname\n    email\n    allow_remote_shopping_assistance\n  }\n}\n",
      headers: customerHeader },
    { query: "# 4. Sign out: the token stops working at once.\nmutation SignOut {\n  revokeCustomerToken {\n    result\n  }\n}\n",
      headers: customerHeader },
    { query: "# 6b. Log in as a customer who allows remote shopping assistance, with an admin token\n" +
        "# (POST /rest/V1/integration/admin/token, see the walk-through's step 6a).\n" +
        "mutation AsAdmin($email: String!) {\n  generateCustomerTokenAsAdmin(input: { customer_email: $email }) {\n    customer_token\n  }\n}\n",
      variables: vars({ email: "customer1@mail.com" }), headers: header(adminToken, "PASTE-AN-ADMIN-TOKEN") },
    { query: "# 6d. The customer exchanges a one-time code (POST /rest/V1/customer/{id}/otp) for a token.\n" +
        "mutation Exchange($email: String!, $otp: String!) {\n  exchangeOtpForCustomerToken(email: $email, otp: $otp) {\n    token\n  }\n}\n",
      variables: vars({ email: "customer1@mail.com", otp: "" }) },
    { query: "# What any client may read: the store's token and password settings.\n" +
        "query Store {\n  storeConfig {\n    store_name\n    customer_access_token_lifetime\n    minimum_password_length\n  }\n}\n" },
  ];
  // Tabs live in memory only, so each visit starts from the walk-through's current tokens
  // and no token is left behind in localStorage.
  const memory = new Map();
  const storage = {
    getItem: (k) => (memory.has(k) ? memory.get(k) : null),
    setItem: (k, v) => { memory.set(k, String(v)); },
    removeItem: (k) => { memory.delete(k); },
    clear: () => { memory.clear(); },
    get length() { return memory.size; },
  };
  // GraphiQL 4.1 keeps the previous tab's operation name after a tab switch until the
  // query is edited; a name the query does not define is dropped, so the tab's own
  // (only) operation runs.
  const graphqlFetcher = GraphiQL.createFetcher({ url: "/graphql" });
  const defines = (query, name) => new RegExp("\\b(query|mutation|subscription)\\s+" + name + "\\b").test(query || "");
  const fetcher = (params, opts) => graphqlFetcher(
    params.operationName && !defines(params.query, params.operationName) ? Object.assign({}, params, { operationName: undefined }) : params, opts);
  root.textContent = "";
  ReactDOM.createRoot(root).render(React.createElement(GraphiQL, {
    fetcher, defaultTabs: tabs, storage, shouldPersistHeaders: false, defaultEditorToolsVisibility: "headers",
  }));
})();
