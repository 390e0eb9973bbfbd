export interface Refused<Item, Rejection> {
  item: Item;
  rejection: Rejection;
}

/**
 * Applies `items` in order, one `apply` call per transaction, around the ones the store refuses
 * for their content. A refused call is split in halves applied one after the other, down to the
 * single items refused: those are returned, everything else ends applied, in the items' order (all
 * before a refused item go in before anything after it). A store that refuses one record in a
 * batch of n is tried about 2·log2(n) times. Any error that is not a rejection is thrown: the
 * caller retries, and applying a part twice is harmless.
 */
export async function applyIsolating<Item, Rejection>(
  items: readonly Item[],
  apply: (items: readonly Item[]) => Promise<void>,
  isRejection: (error: unknown) => error is Rejection,
): Promise<Refused<Item, Rejection>[]> {
  if (items.length === 0) return [];
  try {
    await apply(items);
    return [];
  } catch (error) {
    if (!isRejection(error)) throw error;
    if (items.length === 1) return [{ item: items[0] as Item, rejection: error }];
    const middle = Math.ceil(items.length / 2);
    const before = await applyIsolating(items.slice(0, middle), apply, isRejection);
    const after = await applyIsolating(items.slice(middle), apply, isRejection);
    return [...before, ...after];
  }
}
