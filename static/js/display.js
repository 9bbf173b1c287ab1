// The point's screen: fetch the current self check-in code shortly before it changes.
// Outside the session's check-in window the screen says when check-in opens (or that it has
// closed) in place of the code, as the server words it with each code it sends.
(function () {
  "use strict";
  const root = document.getElementById("display");
  if (!root) return;
  const qrBox = document.getElementById("display-qr");
  const timer = document.getElementById("display-timer");
  const count = document.getElementById("display-count");
  const offline = document.getElementById("display-offline");
  const windowNotice = document.getElementById("display-window");
  let step = null;
  let expiresAt = 0;
  let period = 30;

  async function refreshCode() {
    try {
      const response = await fetch(root.dataset.codeUrl, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      const open = data.window === "open";
      qrBox.hidden = !open;
      timer.parentElement.hidden = !open;
      windowNotice.hidden = open;
      windowNotice.dataset.state = data.window;
      windowNotice.textContent = data.notice;
      if (data.step !== step) {
        qrBox.innerHTML = data.svg;
        qrBox.dataset.code = data.code;
        step = data.step;
      }
      period = Math.max(period, data.seconds_left);
      expiresAt = Date.now() + data.seconds_left * 1000;
      offline.classList.add("d-none");
    } catch (error) {
      offline.classList.remove("d-none");
    }
  }

  async function refreshCount() {
    try {
      const response = await fetch(root.dataset.countsUrl, { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      const mine = data.points.find((p) => String(p.participation_id) === root.dataset.participation);
      if (mine) count.textContent = mine.checked_in + " / " + mine.on_roster;
    } catch (error) {
      /* the count waits for the next round */
    }
  }

  function tick() {
    const left = Math.max(0, expiresAt - Date.now());
    timer.style.width = (100 * left) / (period * 1000) + "%";
    if (left < 1500) refreshCode();
  }

  refreshCode();
  refreshCount();
  setInterval(tick, 1000);
  setInterval(refreshCount, 10000);
})();
