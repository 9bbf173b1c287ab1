// What the page downloads again and again: the point's counts, and its roster for working
// offline. Both give up quietly when the network is down; the next round tries again.

import { fill } from "./text.js";

export const COUNTS_DELAY_MS = 300;

// request: api.request. online(): whether the browser thinks it has a network.
// render(checkedIn, onRoster, percent) draws this point's figures.
export function createCounts({ request, url, participationId, online, render }) {
  let timer = null;

  async function refresh() {
    if (!online()) return;
    try {
      const answer = await request(url);
      if (answer.status !== 200 || !answer.data) return;
      // The counts are the session's, one entry per point; this page shows its own.
      const mine = answer.data.points.find((p) => p.participation_id === participationId);
      if (mine) render(mine.checked_in, mine.on_roster, mine.percent);
    } catch (error) {
      /* the count waits for the next round */
    }
  }

  // Several answers often land together; one request for the count after them is enough.
  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, COUNTS_DELAY_MS);
  }

  return { refresh: refresh, soon: soon };
}

// state: "loaded" (just downloaded), "cached" (the copy on the phone) or "missing" (none).
export function rosterStatusText(state, count, t) {
  const texts = { loaded: t.rosterLoaded, cached: t.rosterCached, missing: t.rosterMissing };
  return fill(texts[state], { count: count });
}

// roster: a RosterCache. showStatus(state) says which roster the phone works from;
// loaded() runs after a fresh one is in, for what is drawn from it.
export function createRosterRefresh({
  request,
  url,
  roster,
  online,
  showStatus,
  loaded,
  now = () => new Date(),
}) {
  return async function refreshRoster() {
    if (online()) {
      try {
        const answer = await request(url);
        if (answer.status === 200 && answer.data) {
          roster.replace(answer.data.people, now().toISOString());
          showStatus("loaded");
          loaded();
          return;
        }
      } catch (error) {
        /* offline: the copy on the phone serves */
      }
    }
    showStatus(roster.loaded ? "cached" : "missing");
  };
}
