/** UTF-8 bytes of a value's JSON text: how key-value stores (Forge KVS among them) measure what they hold. */
export function jsonBytes(value: unknown): number {
  const text = JSON.stringify(value);
  return text === undefined ? 0 : Buffer.byteLength(text, 'utf8');
}

/**
 * Appends `items` to `target` in order while the JSON of the array grows by at most `room` bytes, stopping at the
 * first that does not fit (whole items only: nothing is cut). Returns the bytes added.
 */
export function appendWithin<T>(target: T[], items: readonly T[], room: number): number {
  let used = 0;
  for (const item of items) {
    const cost = jsonBytes(item) + (target.length > 0 ? 1 : 0);
    if (used + cost > room) break;
    target.push(item);
    used += cost;
  }
  return used;
}
