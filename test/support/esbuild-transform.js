// Jest transform: TypeScript to CommonJS with esbuild (already used by tsx). Type checking is
// `npm run typecheck`'s job; this only strips types, fast, with inline source maps.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: filename.endsWith('x') ? 'tsx' : 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'both',
      sourcefile: filename,
    });
    return { code, map };
  },
};
