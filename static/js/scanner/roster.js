// The point's roster as the phone keeps it for working offline. The server sends, for each
// person, the SHA-256 of their ticket rather than the ticket: the phone recognises a ticket
// without holding the signing key, and a leaked roster cannot be turned into tickets.

import { load, save } from "./storage.js";
import { fold } from "./text.js";

export const MAX_FOUND = 30;

export async function digestOf(text) {
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  if (!subtle) return null; // not a secure context: tickets cannot be recognised offline
  const hash = await subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0")).join("");
}

// Every word typed must appear in the name or the agency, in any order, accents or not.
// Null when nothing was typed, which the page shows differently from "nobody matches".
export function matchPeople(people, query, limit = MAX_FOUND) {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return null;
  return people
    .filter((person) => {
      const text = fold(person.name + " " + person.agency);
      return words.every((word) => text.includes(word));
    })
    .slice(0, limit);
}

export class RosterCache {
  constructor(storage, key) {
    this.storage = storage;
    this.key = key;
    this.roster = load(storage, key, null); // {people, fetchedAt}
    this.index();
  }

  get loaded() {
    return this.roster !== null;
  }

  get people() {
    return this.roster ? this.roster.people : [];
  }

  index() {
    this.byDigest = new Map();
    this.byId = new Map();
    for (const person of this.people) {
      // Walk-ins added on this phone have no ticket yet, hence no digest.
      if (person.digest) this.byDigest.set(person.digest, person);
      this.byId.set(person.id, person);
    }
  }

  save() {
    if (this.roster) save(this.storage, this.key, this.roster);
  }

  replace(people, fetchedAt) {
    this.roster = { people: people, fetchedAt: fetchedAt };
    this.save();
    this.index();
  }

  person(entryId) {
    return this.byId.get(entryId);
  }

  // Keeps the offline "already checked in" answer true between two downloads.
  markArrival(entryId, time) {
    const person = this.byId.get(entryId);
    if (!person) return;
    person.checked_in_at = time;
    this.save();
  }

  addWalkIn(entry) {
    if (!this.roster || this.byId.has(entry.id)) return;
    this.roster.people.push({
      id: entry.id,
      digest: "",
      name: entry.name,
      agency: entry.agency,
      checked_in_at: entry.checked_in_at,
    });
    this.save();
    this.index();
  }

  // checkable: the phone holds a roster and can hash, so "not found" means not on it.
  async recognise(payload) {
    const digest = this.roster ? await digestOf(payload) : null;
    if (!digest) return { checkable: false, person: null };
    return { checkable: true, person: this.byDigest.get(digest) || null };
  }

  search(query) {
    return this.roster ? matchPeople(this.roster.people, query) : null;
  }
}
