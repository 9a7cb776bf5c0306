// Runs one of the server's entry points, in this process (so SIGTERM reaches its drain directly):
//   node scripts/run.cjs server/main [args...]
// from the TypeScript sources through tsx where it is installed (a development install), else from
// the JavaScript build in dist/ (a production install: `npm run build`, then `npm ci --omit=dev`).
const fs = require('node:fs');
const path = require('node:path');

const [entry, ...args] = process.argv.slice(2);
if (!entry || !/^[a-z0-9/_-]+$/.test(entry)) {
  console.error('usage: node scripts/run.cjs <entry, e.g. server/main> [args...]');
  process.exit(2);
}
const root = path.join(__dirname, '..');
const built = path.join(root, 'dist', `${entry}.js`);

let register = null;
try {
  register = require('tsx/cjs/api').register;
} catch {
  // No tsx: dev dependencies were omitted; run the build.
}
// The process sees the entry's own arguments, as if it had been started directly.
process.argv = [process.argv[0], register ? path.join(root, `${entry}.ts`) : built, ...args];
if (register) {
  register();
  require(path.join(root, `${entry}.ts`));
} else if (fs.existsSync(built)) {
  require(built);
} else {
  console.error(`${path.relative(root, built)} is missing: run "npm run build" before installing without dev dependencies.`);
  process.exit(1);
}
