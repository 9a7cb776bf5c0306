// Jest transform: TypeScript to CommonJS with esbuild (already used by tsx). Type checking is
// `npm run typecheck`'s job; this only strips types, fast, with inline source maps.
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const { transformSync } = require('esbuild');

// Part of every cache key, so a change to this file re-transforms everything.
const self = fs.readFileSync(__filename, 'utf8');

module.exports = {
  getCacheKey(source, filename) {
    return createHash('sha256').update(self).update('\0').update(filename).update('\0').update(source).digest('hex');
  },
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: filename.endsWith('x') ? 'tsx' : 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'both',
      // Jest runs CommonJS without VM modules: dynamic import() becomes require().
      supported: { 'dynamic-import': false },
      sourcefile: filename,
    });
    return { code, map };
  },
};
