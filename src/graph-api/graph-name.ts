import { ValidationFailedError } from '../common/domain-errors';

/**
 * Longest graph name: Fastify's default `maxParamLength`, past which its router refuses the path
 * (414) before any validation, so a longer limit here could never be reached.
 */
export const GRAPH_NAME_MAX_LENGTH = 100;

/**
 * Graph names this API accepts: letters, digits and `_ . : -`, starting with a letter, a digit or
 * `_`. Anything else (spaces, quotes, slashes, control characters) is refused before a command is
 * built; names always travel as a separate command argument, never inside a string.
 */
export const GRAPH_NAME_PATTERN = new RegExp(`^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,${GRAPH_NAME_MAX_LENGTH - 1}}$`);

export const GRAPH_NAME_RULE = `1..${GRAPH_NAME_MAX_LENGTH} of letters, digits, _ . : - (starting with a letter, digit or _)`;

export function assertGraphName(graph: string): void {
  if (!GRAPH_NAME_PATTERN.test(graph)) throw ValidationFailedError.forField('graph', `graph must be ${GRAPH_NAME_RULE}`);
}
