import type { Problem } from './types.js';

/** A refused call: the HTTP status and Baton's problem (switch on `code`, never on the text). */
export class BatonError extends Error {
  readonly status: number;
  readonly code: string;
  readonly reason: string | null;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail ?? problem.title ?? `Baton answered ${status}`);
    this.name = 'BatonError';
    this.status = status;
    this.code = problem.code ?? (status === 0 ? 'network_error' : 'unknown');
    this.reason = problem.reason ?? null;
    this.problem = problem;
  }
}

/** Reads a problem body without throwing: a non-JSON answer (a proxy's 502 page) becomes a problem with only a status. */
export async function readProblem(response: Response): Promise<Problem> {
  try {
    const body: unknown = await response.clone().json();
    if (body !== null && typeof body === 'object') {
      return body as Problem;
    }
  } catch {
    // Not JSON.
  }

  return { status: response.status };
}
