// Keeps the device token the pairing page was given, once: the scanner syncs with it.

import { saveDevice } from "../scanner/device.js";

const paired = document.querySelector("[data-paired]");
if (paired) {
  saveDevice(globalThis.localStorage, {
    token: paired.dataset.token,
    deviceId: Number(paired.dataset.device),
    participationId: Number(paired.dataset.participation),
  });
  delete paired.dataset.token;
  // The scanner opens with the token this page has just kept, not before.
  const open = document.getElementById("open-scanner");
  if (open) open.hidden = false;
}
