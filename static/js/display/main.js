// The point's screen: shows the self check-in code of the moment from the codes it holds
// ahead (codes.js), asks for more when few are left, says when check-in opens (or that it
// has closed) in place of the code, and shows the point's counts, which come with the codes.

import {
  codeAt,
  fromAnswer,
  LOW_MS,
  LOW_SPREAD_MS,
  needsCodes,
  OPEN,
  qrMatrix,
  qrPath,
  shareLeft,
  windowState,
} from "./codes.js";

// The count on the screen is for the room: it comes with each answer of codes, every two
// to three minutes. 3,356 screens asking for it every ten seconds were a third of a core of
// the server in the rush, and a poll of its own every two minutes still a tenth.
const TICK_MS = 1000;
const SVG = "http://www.w3.org/2000/svg";

const $ = (id) => document.getElementById(id);

function drawCode(box, code) {
  const rows = qrMatrix(code.url);
  const size = rows.length;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "qr-code");
  svg.setAttribute("role", "img");
  svg.setAttribute("viewBox", "0 0 " + size + " " + size);
  svg.setAttribute("shape-rendering", "crispEdges");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", qrPath(rows));
  path.setAttribute("fill", "#000");
  svg.append(path);
  box.replaceChildren(svg);
  box.dataset.code = code.code;
  box.dataset.step = String(code.step);
}

function start(root) {
  const elements = {
    qr: $("display-qr"),
    timer: $("display-timer"),
    count: $("display-count"),
    offline: $("display-offline"),
    notice: $("display-window"),
  };
  const lowMs = LOW_MS + Math.random() * LOW_SPREAD_MS;
  let held = null; // fromAnswer's, once the first answer came
  let asking = false;
  let lastFailure = null;

  async function askForCodes() {
    asking = true;
    const sentAt = Date.now();
    try {
      const response = await fetch(root.dataset.codeUrl, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      held = fromAnswer(data, sentAt, Date.now());
      elements.count.textContent = data.checked_in + " / " + data.on_roster;
      lastFailure = null;
      elements.offline.classList.add("d-none");
    } catch (error) {
      lastFailure = Date.now();
      elements.offline.classList.remove("d-none");
    } finally {
      asking = false;
    }
    tick();
  }

  function showWindow(state) {
    const open = state === OPEN;
    elements.qr.hidden = !open;
    elements.timer.parentElement.hidden = !open;
    elements.notice.hidden = open;
    if (elements.notice.dataset.state !== state) {
      elements.notice.dataset.state = state;
      elements.notice.textContent = held.texts[state];
    }
  }

  function tick() {
    const now = Date.now() + (held ? held.offset : 0);
    if (held) {
      showWindow(windowState(now, held.opensAt, held.closesAt));
      const code = codeAt(held.codes, now, held.stepMs);
      if (code && elements.qr.dataset.step !== String(code.step)) drawCode(elements.qr, code);
      if (!code) {
        // Every code held has expired (the server could not be reached): none is shown.
        elements.qr.replaceChildren();
        delete elements.qr.dataset.step;
        elements.offline.classList.remove("d-none");
      }
      elements.timer.style.width = 100 * shareLeft(code, now, held.stepMs) + "%";
    }
    const codes = held ? held.codes : [];
    const stepMs = held ? held.stepMs : 0;
    const failedAt = lastFailure === null ? null : lastFailure + (held ? held.offset : 0);
    if (!asking && needsCodes({ codes, now, stepMs, lowMs, lastFailure: failedAt })) askForCodes();
  }

  tick();
  setInterval(tick, TICK_MS);
}

const root = document.getElementById("display");
if (root) start(root);
