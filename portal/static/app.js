// Send the CSRF token with every htmx request; read it from the page each time so that a
// token refreshed by a boosted navigation is the one used.
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRFToken"] = meta.content;
  }
});

// A "删除" button in a table row of a form removes its row (e.g. 相关人物).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-remove-row]");
  if (button) {
    button.closest("tr").remove();
  }
});
