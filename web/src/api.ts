/** The ledger's HTTP API, same origin. Every request carries the session's principal (see session.ts). */
import { authHeaders, currentSession } from './session';

export interface FieldProblem {
  readonly field: string;
  readonly problem: string;
  /** A journal's entry refused by a business rule: the rule's code (INSUFFICIENT_UNALLOCATED...). */
  readonly code?: string;
}

/** A refusal or failure, with what the API said: its code, its message, every bad field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The API's `error` code: INVALID_COMMAND, INSUFFICIENT_ALLOCATION, NOT_FOUND...; HTTP_<status> for an answer not from the ledger. */
    readonly code: string,
    message: string,
    readonly problems: readonly FieldProblem[],
    readonly details: Readonly<Record<string, unknown>>,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Readonly<Record<string, string | number | boolean | undefined | null>>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Every error of the ledger has one body: `{ error, message, problems?, details? }` (README, "Errors"). */
function toError(status: number, body: unknown, text: string): ApiError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const message = typeof b.message === 'string' ? b.message : text || `HTTP ${status}`;
  const problems = Array.isArray(b.problems) ? (b.problems as FieldProblem[]) : [];
  const details = typeof b.details === 'object' && b.details !== null ? (b.details as Record<string, unknown>) : {};
  return new ApiError(status, typeof b.error === 'string' ? b.error : `HTTP_${status}`, message, problems, details, body);
}

async function call<T>(method: string, path: string, options: { body?: unknown; raw?: string | Blob; contentType?: string; headers?: Record<string, string> } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders(currentSession()), ...options.headers };
  let body: string | Blob | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['content-type'] = options.contentType ?? 'text/plain';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', error instanceof Error ? error.message : String(error), [], {}, null);
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (!res.ok) throw toError(res.status, parsed, text);
  return parsed as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => call<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body: unknown, headers?: Record<string, string>) => call<T>('POST', path, { body, headers }),
  postText: <T>(path: string, text: string, contentType: string, query?: Query) => call<T>('POST', withQuery(path, query), { raw: text, contentType }),
  /** A file as its bytes (a filed report to verify). */
  postFile: <T>(path: string, file: Blob, contentType = 'application/octet-stream') => call<T>('POST', path, { raw: file, contentType }),
};

/** A command's answer (201). */
export interface CommandResult {
  readonly position: number;
  readonly events: readonly { eventId: string; stream: string; revision: number; position: number }[];
  readonly replayed: boolean;
}
