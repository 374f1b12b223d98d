/**
 * Errors cross the worker boundary as plain data and are revived as the class they were thrown
 * as, so `instanceof InvalidInputError`, `error.code` and the CLI exit code survive a worker.
 */
import {
  ConcordError,
  GeometryMismatchError,
  InvalidInputError,
  ModelMismatchError,
  UnsupportedFormatError,
} from '../errors/index.ts';
import type { SerializedError } from './types.ts';

const REVIVABLE: Record<string, new (message: string) => ConcordError> = {
  InvalidInputError,
  GeometryMismatchError,
  UnsupportedFormatError,
  ModelMismatchError,
};

/** Registers another ConcordError subclass to be revived by name (e.g. a package's own error). */
export function registerRpcError(ctor: new (message: string) => ConcordError): void {
  REVIVABLE[ctor.name] = ctor;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return {
      name: e.name,
      message: e.message,
      code: typeof code === 'string' ? code : undefined,
      stack: e.stack,
    };
  }
  return { name: 'Error', message: String(e) };
}

export function reviveError(s: SerializedError): Error {
  const Ctor = REVIVABLE[s.name];
  if (Ctor) return new Ctor(s.message);
  const e = new Error(s.message);
  e.name = s.name;
  if (s.code !== undefined) (e as Error & { code?: string }).code = s.code;
  if (s.stack)
    e.stack = `${s.name}: ${s.message}\n    (in worker)\n${s.stack.split('\n').slice(1).join('\n')}`;
  return e;
}

/** The error a cancelled call rejects with (name `AbortError`, as fetch and DOM APIs use). */
export function abortError(reason?: unknown): Error {
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const e = new Error(typeof reason === 'string' ? reason : 'Cancelled');
  e.name = 'AbortError';
  return e;
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}
