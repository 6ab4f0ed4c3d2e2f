/** Where two lists first differ, in words a learner can act on (without giving the answer away). */
export function firstDifference(said: readonly string[], real: readonly string[], noun = 'call'): string | undefined {
  const n = Math.min(said.length, real.length);
  for (let i = 0; i < n; i++) {
    if (said[i] !== real[i]) return `${noun} ${i + 1}: you wrote ${said[i]}, but that is not what happened there`;
  }
  if (said.length < real.length) return `your list stops after ${said.length} ${noun}(s); there were ${real.length}`;
  if (said.length > real.length) return `your list has ${said.length} ${noun}(s); only ${real.length} happened (item ${real.length + 1} on is too many)`;
  return undefined;
}

/** The same words, ignoring case and order. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a.map((s) => s.toLowerCase()));
  const y = new Set(b.map((s) => s.toLowerCase()));
  return x.size === y.size && [...x].every((v) => y.has(v));
}
