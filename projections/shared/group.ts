/** Adds a value to the list kept under its key (in place: no copy of the list per value, which is quadratic). */
export function addTo<K, V>(lists: Map<K, V[]>, key: K, value: V): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}
