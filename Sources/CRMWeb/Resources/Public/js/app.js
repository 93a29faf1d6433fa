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
