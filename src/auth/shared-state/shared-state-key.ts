/**
 * The name of a plain key the service keeps next to its token graph. Scoped by the graph's name
 * (which never holds a `:`): the instances of one deployment share it, another deployment on the
 * same FalkorDB (another token graph) never sees it.
 */
export function sharedStateKey(tokenGraph: string, ...parts: string[]): string {
  return ['falkordb-pat', tokenGraph, ...parts].join(':');
}
