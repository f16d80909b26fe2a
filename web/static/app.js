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

// Roster job page: poll the JSON status every second; the bar is time used of the time limit.
(function jobProgress() {
  const section = document.getElementById("job");
  if (!section) return;
  const labels = document.getElementById("job-labels").dataset;
  const $ = (id) => document.getElementById(id);
  const show = (data) => {
    const p = data.progress || {};
    const limit = Number(data.seconds_limit) || 1;
    const finished = ["succeeded", "cancelled", "failed"].includes(data.status);
    $("job-progress").value = finished ? 100 : Math.min(99, Math.round(100 * (p.seconds || 0) / limit));
    $("job-state").textContent = labels[data.status] || data.status;
    if (p.objective !== undefined) {
      $("job-objective").textContent = p.objective;
      $("job-bound").textContent = p.bound;
      $("job-gap").textContent = (100 * p.gap).toFixed(1) + "%";
      $("job-seconds").textContent = p.seconds;
    }
    if (finished) {
      $("job-stop-form").hidden = true;
      if (data.roster_url) { $("job-roster").href = data.roster_url; $("job-done").hidden = false; }
      if (data.status === "failed") $("job-failed").hidden = false;
    }
    return finished;
  };
  const poll = async () => {
    try {
      const response = await fetch(section.dataset.statusUrl, { headers: { "Accept": "application/json" } });
      if (response.ok && show(await response.json())) return;
    } catch (err) { /* network blip: try again */ }
    setTimeout(poll, 1000);
  };
  if (!show(JSON.parse(section.dataset.job))) poll();
})();

// Surge call board: poll the JSON every 10 s; update the counts in place, reload when people change.
(function callBoard() {
  const board = document.getElementById("board");
  if (!board || board.dataset.active !== "1" || !window.fetch) return;
  const set = (id, text) => { const el = document.getElementById(id); if (el) el.textContent = text; };
  const poll = async () => {
    try {
      const response = await fetch(board.dataset.url, { headers: { "Accept": "application/json" } });
      if (response.ok) {
        const data = await response.json();
        const signature = data.people.map((p) => p.status).join(",") + "|" + data.people.length;
        if (signature !== board.dataset.signature || data.status !== document.getElementById("board-status").dataset.status) {
          window.location.reload();
          return;
        }
        set("board-minutes", Math.round(data.minutes));
        set("board-tier", data.tier_label);
        for (const need of data.needs) {
          const row = board.querySelector(`tr[data-need="${CSS.escape(need.need)}"]`);
          if (!row) continue;
          for (const cell of row.querySelectorAll("td[data-field]")) {
            cell.textContent = need[cell.dataset.field];
            if (cell.dataset.field === "missing") cell.classList.toggle("short", need.missing > 0);
          }
        }
        board.dataset.polled = String(Date.now());
      }
    } catch (err) { /* network blip: try again */ }
    setTimeout(poll, 10000);
  };
  setTimeout(poll, 10000);
})();
