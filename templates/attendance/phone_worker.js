// The paired phone's scanner, offline: this worker keeps the page and every file it loads
// (version {{ version }}), answers the page from the network when it can and from what it
// kept when it cannot, and never keeps what the API answers (scans, rosters, tokens).
const CACHE = "diemcau-phone-{{ version }}";
const SHELL = "{{ shell|escapejs }}";
const FILES = {{ files|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([SHELL, ...FILES]))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith("diemcau-phone-") && key !== CACHE)
            .map((key) => caches.delete(key))
        )
      )
      .then(() => self.clients.claim())
  );
});

// A poor connection must not keep the coordinator waiting for the page: after this long the
// page kept is shown, and the network's answer, if it comes, is kept for next time.
const SHELL_WAIT_MS = 3000;

// The page from the network while there is one (a new version is seen at once), else the
// one kept; the hash and the query do not make another page.
function shell(request) {
  const fresh = fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(SHELL, copy));
    }
    return response;
  });
  const kept = caches.match(SHELL);
  const late = new Promise((resolve) => setTimeout(resolve, SHELL_WAIT_MS)).then(() => kept);
  return Promise.race([fresh.catch(() => kept), late.then((page) => page || fresh)]).then(
    (page) => page || fresh
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === SHELL) {
    event.respondWith(shell(request));
    return;
  }
  if (FILES.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((kept) => kept || fetch(request)));
  }
});
