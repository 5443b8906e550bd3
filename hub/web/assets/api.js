// The page's only ways to the hub: the OAuth token endpoint and the GraphQL API.
"use strict";
window.HubApi = (() => {
  const PURPOSE = "data_stewardship";
  let token = null;            // in memory only: never written to storage or the URL

  class ApiError extends Error {
    constructor(message, code) { super(message); this.code = code; }
  }

  async function signIn(clientId, secret) {
    const body = new URLSearchParams({ grant_type: "client_credentials", client_id: clientId,
                                       client_secret: secret });
    const resp = await fetch("/oauth/token", { method: "POST", body, credentials: "omit",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" } });
    const data = await resp.json().catch(() => ({}));
    if (!resp.ok || !data.access_token) {
      throw new ApiError(data.error_description || data.message || data.error || `HTTP ${resp.status}`,
                         data.error || "UNAUTHENTICATED");
    }
    token = data.access_token;
    return data;
  }

  function signOut() { token = null; }

  async function graphql(query, variables) {
    if (!token) throw new ApiError("not signed in", "UNAUTHENTICATED");
    const resp = await fetch("/graphql", { method: "POST", credentials: "omit",
      headers: { "Content-Type": "application/json", Accept: "application/json",
                 Authorization: `Bearer ${token}`, "X-Purpose": PURPOSE },
      body: JSON.stringify({ query, variables: variables || {} }) });
    const data = await resp.json().catch(() => ({}));
    if (resp.status === 401) { token = null; throw new ApiError(data.message || "token expired", "UNAUTHENTICATED"); }
    if (data.errors && data.errors.length) {
      const e = data.errors[0];
      throw new ApiError(e.message, (e.extensions && e.extensions.code) || "ERROR");
    }
    if (!resp.ok) throw new ApiError(data.message || `HTTP ${resp.status}`, "HTTP");
    return data.data;
  }

  return { signIn, signOut, graphql, ApiError, get signedIn() { return token !== null; } };
})();
