/**
 * User-facing error hierarchy. Every error Concord raises on bad input carries a
 * one-line message meant for the user (CLI stderr, viewer notification) and the
 * CLI exit code it maps to (docs/cli.md: 3 = invalid or incompatible input).
 */
export abstract class ConcordError extends Error {
  /** Stable machine-readable code, e.g. `INVALID_INPUT`. */
  abstract readonly code: string;
  /** Exit code of the `concord` CLI when this error ends a command. */
  readonly exitCode: number = 3;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The input is empty, truncated, not of its claimed format, or semantically invalid. */
export class InvalidInputError extends ConcordError {
  readonly code = 'INVALID_INPUT';
}

/** Two volumes cannot be compared on one grid (different frames of reference, no overlap). */
export class GeometryMismatchError extends ConcordError {
  readonly code = 'GEOMETRY_MISMATCH';
}

/** A valid file whose encoding or variant Concord does not support (e.g. an unknown transfer syntax). */
export class UnsupportedFormatError extends ConcordError {
  readonly code = 'UNSUPPORTED_FORMAT';
}

/** A model manifest, ONNX graph or model file that does not fit what is declared or needed. */
export class ModelMismatchError extends ConcordError {
  readonly code = 'MODEL_MISMATCH';
}

/** True for errors whose message is written for the user (no stack trace needed). */
export function isConcordError(e: unknown): e is ConcordError {
  return e instanceof ConcordError;
}

/** One line for the user: the message of a ConcordError, or `name: message` for anything else. */
/** What browsers say when a fetch never reached the server (Chromium, Firefox, Safari). */
const NETWORK_FAILURE =
  /^(Failed to fetch|NetworkError when attempting to fetch resource\.?|Load failed)$/;

/** The one line shown for a request that never got an answer. */
export const SERVER_UNREACHABLE =
  'The server could not be reached. Check that it is running (npm start) and try again.';

export function userMessage(e: unknown): string {
  if (e instanceof ConcordError) return e.message;
  // a fetch that never got a response: say so instead of "TypeError: Failed to fetch"
  if (e instanceof TypeError && NETWORK_FAILURE.test(e.message)) return SERVER_UNREACHABLE;
  if (e instanceof Error) return `${e.name}: ${e.message}`.split('\n')[0];
  return String(e);
}
