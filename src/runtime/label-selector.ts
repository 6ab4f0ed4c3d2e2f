/**
 * CRI filters select by labels with plain equality: every pair in the selector must match.
 * The selector is read once per list call, not once per object: a relist on a node with
 * a thousand pods filters by pod UID a thousand times a relist (GetPodStatus per changed pod).
 */
export function labelMatcher(selector: Record<string, string> | undefined): (labels: Record<string, string>) => boolean {
  const keys = selector ? Object.keys(selector) : [];
  if (keys.length === 0) return () => true;
  const values = keys.map((k) => selector![k]);
  return (labels) => {
    for (let i = 0; i < keys.length; i++) if (labels[keys[i]!] !== values[i]) return false;
    return true;
  };
}
