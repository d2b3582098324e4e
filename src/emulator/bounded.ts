// A long-running emulator under load must not grow without bound: maps of messages keep the
// newest entries only (Map iteration order is insertion order).
export const maxKeptMessages = 200_000

export function trimOldest(map: Map<string, unknown>, max: number): void {
  if (map.size <= max) return
  for (const key of map.keys()) {
    map.delete(key)
    if (map.size <= max) return
  }
}
