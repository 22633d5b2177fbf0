/** FalkorDB's counters for one query, e.g. `{nodesCreated: 2, queryInternalExecutionTimeMs: 0.45}`. */
export type QueryStats = Record<string, number | string>;

const STAT_LINE = /^\s*([^:]+?)\s*:\s*(.*?)\s*$/;
const NUMBER_WITH_UNIT = /^(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?:\s+(\w+))?$/;

/** FalkorDB names a few dozen statistics at most; a server sending more is simply not remembered past this. */
const MAX_REMEMBERED_KEYS = 64;
const keysByLabel = new Map<string, string>();

/** `Nodes created` -> `nodesCreated` (remembered: every reply names the same few). */
function camelCase(label: string): string {
  let key = keysByLabel.get(label);
  if (key === undefined) {
    key = computeCamelCase(label);
    if (keysByLabel.size < MAX_REMEMBERED_KEYS) keysByLabel.set(label, key);
  }
  return key;
}

function computeCamelCase(label: string): string {
  return label
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word, index) => (index === 0 ? word.toLowerCase() : word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()))
    .join('');
}

/**
 * Turns FalkorDB's statistics lines (`Nodes created: 2`, `Query internal execution time: 0.45
 * milliseconds`) into camelCase keys with numeric values; a value in milliseconds gets an `Ms` suffix.
 * A line in an unknown format is kept as text rather than dropped.
 */
export function parseQueryStats(lines: readonly unknown[]): QueryStats {
  const stats: QueryStats = {};
  for (const line of lines) {
    const match = typeof line === 'string' ? STAT_LINE.exec(line) : null;
    if (!match) continue;
    const key = camelCase(match[1]);
    if (!key) continue;
    const value = NUMBER_WITH_UNIT.exec(match[2]);
    if (!value) {
      stats[key] = match[2];
    } else if (value[2] === 'milliseconds') {
      stats[`${key}Ms`] = Number(value[1]);
    } else if (value[2] === undefined) {
      stats[key] = Number(value[1]);
    } else {
      stats[key] = match[2];
    }
  }
  return stats;
}
