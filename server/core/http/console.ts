import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import type { Logger } from 'pino';

/**
 * Where `npm run build` (or `npm ci`'s "prepare" step) leaves the built console: client/dist at the
 * package root, seen from server/core/http in the sources or from dist/server/core/http in the build.
 */
export const DEFAULT_CONSOLE_DIR =
  [path.resolve(__dirname, '../../../client/dist'), path.resolve(__dirname, '../../../../client/dist')].find((d) =>
    fs.existsSync(path.join(d, 'index.html')),
  ) ?? path.resolve(__dirname, '../../../client/dist');

/*
 * The console's pages get a CSP stricter than helmet's default: scripts and styles only from our
 * own files (no inline code, no 'unsafe-inline' styles), no plug-ins, no framing of the console,
 * and network access only back to this origin (API and Socket.IO). img-src allows data: and blob:
 * for the canvas-drawn QR code and the CSV download; frame-src 'self' covers the sandboxed srcdoc
 * frame that shows a sanitised e-mail, which inherits this policy and so cannot run script or
 * load remote images either.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Serves the built console at `/`. Hash routing means only real files are served; no fallback route. */
export function consoleRouter(deps: { dir?: string; logger: Logger }): Router {
  const dir = deps.dir ?? DEFAULT_CONSOLE_DIR;
  const r = Router();
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    deps.logger.warn({ dir }, 'the console is not built; run "npm run build:client"');
    r.get('/', (_req, res) => {
      res
        .status(503)
        .type('text/plain')
        .send('The Servicetorg console is not built on this server. Run "npm run build" (or "npm run build:client") before starting it.\n');
    });
    return r;
  }
  const files = express.static(dir, {
    index: 'index.html',
    dotfiles: 'ignore',
    redirect: false,
    setHeaders(res, file) {
      res.setHeader('Content-Security-Policy', CONSOLE_CSP);
      // Hashed asset names never change content; index.html must be fetched fresh to find new ones.
      const hashed = file.includes(`${path.sep}assets${path.sep}`);
      res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  // `/` as a route of its own (the same files answer it), so the route list and the API description see the console.
  r.get('/', files);
  r.use(files);
  return r;
}
