/** RFC 9457 problem details, plus `message` (same text as `detail`) for announcement-era clients. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  message: string;
  code?: string;
  errors?: Record<string, string[]>;
  instance?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://falkordb.com/problems/';
