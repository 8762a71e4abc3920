// Small conveniences; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // The sort menu applies itself when changed; its button stays for those without script.
  for (const select of document.querySelectorAll(".sort-form select")) {
    select.addEventListener("change", () => select.form.submit());
  }
});
