/**
 * HTTP headers every Concord page is served with, by Vite in development and by
 * `concord serve` in production. COOP/COEP make the page cross-origin isolated, which
 * WASM threads (SharedArrayBuffer) need; the CSP allows only our own origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // 'wasm-unsafe-eval' lets WebAssembly compile (ORT, codecs) without allowing JS eval
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  // Vite and Cornerstone inject <style> elements at run time
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * Cross-origin isolation without our CSP: for a host viewer we serve but did not write (stock
 * OHIF uses inline scripts, docs/ohif.md). COOP/COEP still give WASM threads.
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};
