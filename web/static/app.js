// A little vanilla JS, no build step: confirm dangerous buttons; tap availability without a reload.
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form.slot-form");
  if (!form || !window.fetch) return;
  event.preventDefault();
  const button = form.querySelector("button.slot");
  button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST", body: new FormData(form),
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() },
    });
    const data = await response.json();
    if (!response.ok) { window.alert(data.error ? data.error.message : response.statusText); return; }
    button.classList.toggle("free", data.free);
    button.classList.toggle("busy", !data.free);
    button.setAttribute("aria-pressed", data.free ? "true" : "false");
    button.textContent = data.free ? button.dataset.freeLabel : button.dataset.busyLabel;
  } catch (err) {
    form.submit();  // offline or odd proxy: fall back to the plain form post
  } finally {
    if (!button.classList.contains("locked")) button.disabled = false;
  }
});
