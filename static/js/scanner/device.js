// The paired device's token, kept on the phone for each point it scans at.

import { load, save } from "./storage.js";

export const DEVICES_KEY = "diemcau.devices";

export function saveDevice(storage, device) {
  const devices = load(storage, DEVICES_KEY, {});
  devices[String(device.participationId)] = {
    token: device.token,
    deviceId: device.deviceId,
  };
  save(storage, DEVICES_KEY, devices);
}

export function deviceFor(storage, participationId) {
  return load(storage, DEVICES_KEY, {})[String(participationId)] || null;
}

// The points this phone is paired to, as numbers.
export function pairedPoints(storage) {
  return Object.keys(load(storage, DEVICES_KEY, {})).map(Number);
}
