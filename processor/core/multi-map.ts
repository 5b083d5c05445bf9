/*
 * The resolver's indexes. Nearly every key holds one or two ids (one customer's records on one
 * trip), so ids are kept in small arrays rather than Sets: a Set per key made these maps the
 * largest allocation of the resolver and a fifth of its time went to collecting them.
 */

/** A map from a key to a list of distinct ids, dropping a key when its list empties. */
export class MultiMap {
  private readonly map = new Map<string, string[]>();

  add(key: string, id: string): void {
    const ids = this.map.get(key);
    if (!ids) this.map.set(key, [id]);
    else if (!ids.includes(id)) ids.push(id);
  }

  delete(key: string, id: string): void {
    const ids = this.map.get(key);
    if (!ids) return;
    removeFrom(ids, id);
    if (ids.length === 0) this.map.delete(key);
  }

  get(key: string): readonly string[] | undefined {
    return this.map.get(key);
  }
}

interface SlotIds {
  slot: number;
  ids: string[];
}

/**
 * Ids blocked by a key and a time slot: the key's string is hashed once per lookup and its few
 * slots are scanned, which keeps block lookups cheap.
 */
export class SlotIndex {
  private readonly map = new Map<string, SlotIds[]>();

  add(key: string, slot: number, id: string): void {
    const slots = this.map.get(key);
    if (!slots) {
      this.map.set(key, [{ slot, ids: [id] }]);
      return;
    }
    const entry = slots[slotIndex(slots, slot)];
    if (!entry) slots.push({ slot, ids: [id] });
    else if (!entry.ids.includes(id)) entry.ids.push(id);
  }

  delete(key: string, slot: number, id: string): void {
    const slots = this.map.get(key);
    const index = slots ? slotIndex(slots, slot) : -1;
    const entry = slots?.[index];
    if (!slots || !entry) return;
    removeFrom(entry.ids, id);
    if (entry.ids.length > 0) return;
    slots.splice(index, 1);
    if (slots.length === 0) this.map.delete(key);
  }

  /**
   * Appends to `out` every id in slots slot-1, slot and slot+1 of the key. (An array the caller
   * reuses rather than a callback: this is the resolver's innermost loop.)
   */
  collectNeighbours(key: string, slot: number, out: string[]): void {
    const slots = this.map.get(key);
    if (!slots) return;
    for (const entry of slots) {
      if (entry.slot >= slot - 1 && entry.slot <= slot + 1) for (const id of entry.ids) out.push(id);
    }
  }
}

/** The position of a slot in a key's few slots, or -1 (a loop: no closure on the hot path). */
function slotIndex(slots: readonly SlotIds[], slot: number): number {
  for (let index = 0; index < slots.length; index++) if (slots[index]?.slot === slot) return index;
  return -1;
}

function removeFrom(ids: string[], id: string): void {
  const index = ids.indexOf(id);
  if (index >= 0) ids.splice(index, 1);
}
