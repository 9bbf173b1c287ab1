// How a scan reaches the server: sent at once when it can be, otherwise held on the phone and
// sent with the other held scans, oldest first, when the connection returns. The page is
// reached only through what is handed in (the display, the callbacks), so Node tests it.

import { drain } from "./queue.js";
import {
  answerView,
  busyView,
  heldLine,
  heldView,
  learnFrom,
  nextStep,
  retryMessage,
} from "./verdict.js";

export class ScanSync {
  // display: createDisplay's (show, log, note). send(scan) resolves to scanOutcome's answer.
  // online(): whether the browser thinks it has a network. lastCheckIn: a LastCheckIn.
  // answered(): after each answer the server gives, so the lists and counts follow it.
  // flushed(): after each round of sending held scans, whatever ended it.
  constructor({ queue, roster, display, send, online, lastCheckIn, answered, flushed, t, lang }) {
    this.queue = queue;
    this.roster = roster;
    this.display = display;
    this.send = send;
    this.online = online;
    this.lastCheckIn = lastCheckIn;
    this.answered = answered;
    this.flushed = flushed;
    this.t = t;
    this.lang = lang;
    // Only the latest scan may take over the big answer; older ones answer in the log.
    this.latestScanId = null;
    // One round of sending at a time: the timer, the "online" event and a new scan overlap.
    this.flushing = false;
  }

  async submit(scan) {
    this.latestScanId = scan.scan_id;
    const local = {
      online: this.online(),
      person: this.roster.person(scan.entry_key),
      held: this.queue.pendingCheckIn(scan.entry_key),
      waiting: this.queue.length,
    };
    const decision = nextStep(scan, local, this.t, this.lang);
    if (decision.step === "refuse") {
      // Said from the downloaded roster; nothing to send.
      this.display.show(decision.view);
      this.display.log("refused", decision.view.line, scan.scanned_at);
      return;
    }
    if (decision.step === "hold") {
      this.hold(scan);
      this.flush();
      return;
    }
    this.display.show(busyView(scan, this.t));
    const outcome = await this.send(scan);
    if (outcome.final) this.settle(scan, outcome);
    else this.hold(scan, outcome.retry);
  }

  settle(scan, outcome) {
    const view = answerView(scan, outcome.data, this.t);
    const learnt = learnFrom(scan, outcome.data);
    if (learnt.arrival) this.roster.markArrival(learnt.arrival.entryId, learnt.arrival.time);
    if (learnt.lastCheckIn) this.lastCheckIn.set(learnt.lastCheckIn);
    if (scan.scan_id === this.latestScanId) this.display.show(view);
    this.display.log(view.state, view.line, scan.scanned_at);
    this.answered();
  }

  hold(scan, reason) {
    this.queue.hold(scan);
    this.display.log("pending", heldLine(scan, this.t), scan.scanned_at);
    if (scan.scan_id !== this.latestScanId) return;
    this.display.show(heldView(scan, reason, this.online(), this.t));
  }

  async flush() {
    if (this.flushing || this.queue.length === 0 || !this.online()) return;
    this.flushing = true;
    try {
      const stopped = await drain(this.queue, this.send, (scan, outcome) =>
        this.settle(scan, outcome)
      );
      // A lost connection says itself in the badge; the other reasons need words.
      if (stopped && stopped.scan.scan_id === this.latestScanId && stopped.retry !== "network") {
        this.display.note(retryMessage(stopped.retry, this.t));
      }
    } finally {
      this.flushing = false;
      this.flushed();
    }
  }

  // A walk-in or an undo takes over the big answer: a scan still on its way answers in the log.
  announce(view) {
    this.latestScanId = null;
    this.display.show(view);
    this.display.log(view.state, view.line);
  }
}
