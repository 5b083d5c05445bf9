/** A map from a key to a set of ids, dropping a key when its set empties. */
export class MultiMap {
  private readonly map = new Map<string, Set<string>>();

  add(key: string, id: string): void {
    let set = this.map.get(key);
    if (!set) {
      set = new Set();
      this.map.set(key, set);
    }
    set.add(id);
  }

  delete(key: string, id: string): void {
    const set = this.map.get(key);
    if (!set) return;
    set.delete(id);
    if (set.size === 0) this.map.delete(key);
  }

  get(key: string): ReadonlySet<string> | undefined {
    return this.map.get(key);
  }
}

/**
 * Ids blocked by a key and a time slot: the key's string is hashed once per lookup of a record
 * and the slots (numbers) are looked up inside it, which keeps block lookups cheap.
 */
export class SlotIndex {
  private readonly map = new Map<string, Map<number, Set<string>>>();

  add(key: string, slot: number, id: string): void {
    let slots = this.map.get(key);
    if (!slots) {
      slots = new Map();
      this.map.set(key, slots);
    }
    let set = slots.get(slot);
    if (!set) {
      set = new Set();
      slots.set(slot, set);
    }
    set.add(id);
  }

  delete(key: string, slot: number, id: string): void {
    const slots = this.map.get(key);
    const set = slots?.get(slot);
    if (!slots || !set) return;
    set.delete(id);
    if (set.size > 0) return;
    slots.delete(slot);
    if (slots.size === 0) this.map.delete(key);
  }

  /** Calls `visit` for every id in slots slot-1, slot and slot+1 of the key. */
  forNeighbours(key: string, slot: number, visit: (id: string) => void): void {
    const slots = this.map.get(key);
    if (!slots) return;
    for (let s = slot - 1; s <= slot + 1; s++) {
      const set = slots.get(s);
      if (set) for (const id of set) visit(id);
    }
  }
}
