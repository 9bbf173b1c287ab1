// The camera: frames are read with jsQR (a classic script, vendor/jsqr/jsQR.js, found on
// globalThis when the camera starts) and each new code is handed on. Nothing here touches
// the page before createCamera is called.

export const SAME_CODE_MS = 3000; // the camera sees one ticket in many frames
export const FRAME_MS = 120;
export const FRAME_SIDE = 720; // frames are scaled down to this before decoding

// Phone cameras give 1280×720 or more; jsQR's time grows with the pixels, and a ticket
// held in the frame is still large enough once scaled down.
export function frameSize(width, height, side = FRAME_SIDE) {
  const scale = Math.min(1, side / Math.max(width, height));
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

// One ticket stays in front of the camera for seconds, and a finger taps a name twice: a
// code seen again within `ms` of the last sighting is the same scan, not a new one.
export function createRepeatFilter(ms = SAME_CODE_MS, now = Date.now) {
  let lastText = "";
  let lastSeen = 0;
  return {
    // A camera sighting: a code still in view keeps counting as seen.
    fresh(text) {
      const at = now();
      if (text === lastText && at - lastSeen < ms) {
        lastSeen = at;
        return false;
      }
      lastText = text;
      lastSeen = at;
      return true;
    },
    // A tap: the window runs from the first tap, so a slow third tap counts again.
    tap(key) {
      const at = now();
      if (key === lastText && at - lastSeen < ms) return false;
      lastText = key;
      lastSeen = at;
      return true;
    },
  };
}

// elements: root, camera, video, canvas, overlay, status, startButton, stopButton.
// onCode(text) returns a promise; frames are not read while it is pending, so a slow phone
// does not pile up decodes. onStarted runs once the picture shows.
export function createCamera({ elements, t, repeats, onCode, beforeStart, onStarted }) {
  const { root, camera, video, canvas, overlay, status, startButton, stopButton } = elements;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let stream = null;
  let frameTimer = null;
  let decoding = false;

  function seen(text) {
    if (!repeats.fresh(text)) return;
    decoding = true;
    onCode(text).finally(() => {
      decoding = false;
    });
  }

  function readFrame() {
    frameTimer = null;
    if (!stream) return;
    if (!decoding && video.readyState >= 2 && video.videoWidth) {
      const { width, height } = frameSize(video.videoWidth, video.videoHeight);
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      context.drawImage(video, 0, 0, width, height);
      const image = context.getImageData(0, 0, width, height);
      const code = globalThis.jsQR(image.data, width, height, { inversionAttempts: "attemptBoth" });
      if (code && code.data) seen(code.data);
    }
    frameTimer = setTimeout(readFrame, FRAME_MS);
  }

  async function start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !globalThis.jsQR) {
      status.textContent = t.cameraUnsupported;
      return;
    }
    beforeStart();
    startButton.disabled = true;
    status.textContent = t.cameraStarting;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: {
          facingMode: { ideal: "environment" },
          width: { ideal: 1280 },
          height: { ideal: 720 },
        },
        audio: false,
      });
      video.srcObject = stream;
      await video.play();
    } catch (error) {
      stop();
      status.textContent = t.cameraDenied;
      return;
    }
    // Another app taking the camera, or the phone locking, ends the track.
    for (const track of stream.getVideoTracks()) track.addEventListener("ended", stop);
    status.textContent = "";
    overlay.classList.add("d-none");
    stopButton.classList.remove("d-none");
    camera.classList.remove("is-off");
    root.dataset.camera = "on";
    onStarted();
    readFrame();
  }

  function stop() {
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    clearTimeout(frameTimer);
    video.srcObject = null;
    startButton.disabled = false;
    overlay.classList.remove("d-none");
    stopButton.classList.add("d-none");
    camera.classList.add("is-off");
    root.dataset.camera = "off";
  }

  return { start: start, stop: stop };
}

// The camera's parts of a scanner page (templates/attendance/includes/scanner_camera.html),
// found with `$` (an id to its element), for createCamera.
export function cameraElements(root, $) {
  return {
    root: root,
    camera: $("camera"),
    video: $("camera-video"),
    canvas: $("camera-canvas"),
    overlay: $("camera-overlay"),
    status: $("camera-status"),
    startButton: $("camera-start"),
    stopButton: $("camera-stop"),
  };
}
