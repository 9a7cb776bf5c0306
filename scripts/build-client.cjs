// Builds the agent console (client/) into client/dist. Runs as npm's "prepare" step, so `npm ci`
// leaves a console that `npm start` serves. An install without dev dependencies (no Vite) keeps
// whatever build is already there instead of failing the install.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

let viteBin;
try {
  viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
} catch {
  console.warn('build-client: Vite is not installed (dev dependencies omitted); the console is not rebuilt.');
  process.exit(0);
}
execFileSync(process.execPath, [viteBin, 'build', '--config', path.join(__dirname, '..', 'client', 'vite.config.ts'), '--logLevel', 'warn'], {
  stdio: 'inherit',
});
