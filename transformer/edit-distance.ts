// Levenshtein distance and "closest names" for the hints of unmatched entries and unknown options.

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;

  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidates within a distance of a quarter of the name's length (at least 2), closest first,
 * at most `limit` of them. A candidate equal but for case always counts as close.
 */
export function closestNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const maxDistance = Math.max(2, Math.floor(name.length / 4));
  const lowerName = name.toLowerCase();
  const scored: { candidate: string; distance: number }[] = [];

  for (const candidate of new Set(candidates)) {
    if (candidate === name) continue;
    const distance =
      candidate.toLowerCase() === lowerName ? 0 : editDistance(lowerName, candidate.toLowerCase());
    if (distance <= maxDistance) scored.push({ candidate, distance });
  }

  scored.sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate));
  return scored.slice(0, limit).map((item) => item.candidate);
}
