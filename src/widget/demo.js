/*
 * The demo page's own script: a pretend shop login. Signing in asks the server for a demo identity
 * (GET /demo/identity, served under `cc-agent demo` only) and hands it to the widget. A real site's
 * backend signs the identity with the org secret instead (docs/protocol.md, "Signed customer identities").
 * The server gives each new demo customer a random id; this browser keeps it per name and sends it back, so the
 * same name in the same browser is the same customer, and the same name elsewhere is not.
 */
(function () {
  "use strict";
  const nameKey = "cc-agent-demo:name";
  const idsKey = "cc-agent-demo:ids";
  const form = document.getElementById("signin-form");
  const nameInput = document.getElementById("signin-name");
  const signOut = document.getElementById("signout");
  const stateLine = document.getElementById("signin-state");
  const pageTitle = document.getElementById("page-title");

  const page = location.pathname.split("/")[2];
  if (page) {
    pageTitle.textContent = page.charAt(0).toUpperCase() + page.slice(1);
    document.title = pageTitle.textContent + " | Contoso Demo Shop";
  }

  function remember(name) {
    try {
      if (name) localStorage.setItem(nameKey, name);
      else localStorage.removeItem(nameKey);
    } catch {
      // storage blocked: the sign-in lasts for this page only
    }
  }

  /** The demo ids this browser was given, by lower-cased name. */
  function knownIds() {
    try {
      const ids = JSON.parse(localStorage.getItem(idsKey) || "{}");
      return ids && typeof ids === "object" ? ids : {};
    } catch {
      return {};
    }
  }

  function rememberId(name, id) {
    try {
      const ids = knownIds();
      ids[name.toLowerCase()] = id;
      localStorage.setItem(idsKey, JSON.stringify(ids));
    } catch {
      // storage blocked: a new demo customer next time
    }
  }

  function signIn(name) {
    stateLine.textContent = "Signing in\u2026";
    const id = knownIds()[name.toLowerCase()];
    const query = "?name=" + encodeURIComponent(name) + (typeof id === "string" ? "&id=" + encodeURIComponent(id) : "");
    return fetch("/demo/identity" + query, { cache: "no-store" })
      .then((response) => response.json().then((body) => ({ ok: response.ok, body })))
      .then(({ ok, body }) => {
        if (!ok || !body.identity) throw new Error(body && body.error ? body.error : "Sign-in failed.");
        remember(name);
        rememberId(name, body.identity.id);
        window.CcAgentWidget.identify(body.identity);
        stateLine.textContent = "Signed in as " + name + ". Your chat is persistent: come back to it any time.";
        signOut.hidden = false;
      })
      .catch((error) => {
        stateLine.textContent = error.message;
      });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = nameInput.value.trim();
    if (name) signIn(name);
  });
  signOut.addEventListener("click", () => {
    remember(null);
    window.CcAgentWidget.identify(null);
    stateLine.textContent = "You are not signed in: you chat as a visitor (live chat).";
    signOut.hidden = true;
  });

  // The shop remembers who is signed in, as a real site's session would.
  let saved;
  try {
    saved = localStorage.getItem(nameKey);
  } catch {
    saved = null;
  }
  signOut.hidden = !saved;
  if (saved) {
    nameInput.value = saved;
    signIn(saved);
  }
})();
