/**
 * The house rules of Servicetorg's imports (issue 11, README "Architecture"). `npm run check:imports`
 * runs them; CI fails with the rule's name when a change breaks one.
 */
const FEATURE = '^server/(?!core/|contracts/)[^/]+/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make the build order and the wiring order guesswork.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-no-feature',
      severity: 'error',
      comment: 'server/core is the shared kernel: it knows no feature and no provider channel.',
      from: { path: '^server/core/' },
      to: { path: [FEATURE, '^channels/', '^ivr/'] },
    },
    {
      name: 'contracts-import-only-contracts',
      severity: 'error',
      comment: 'server/contracts is shared with the console: pure names, types and schemas, nothing of the server.',
      from: { path: '^server/contracts/' },
      to: { path: '^(server|channels|ivr|client|migrations)/', pathNot: '^server/contracts/' },
    },
    {
      name: 'channels-import-only-the-inbound-contract',
      severity: 'error',
      comment: 'channels/ holds provider adapters: they speak the inbound contract (and the shared names), never a feature.',
      from: { path: '^channels/', pathNot: '\\.test\\.ts$' },
      to: { path: '^server/', pathNot: ['^server/inbound/contract\\.ts$', '^server/contracts/'] },
    },
    {
      name: 'feature-imports-feature-through-module',
      severity: 'error',
      comment: "A feature uses another only through what that feature's module.ts offers (or the inbound contract channels speak).",
      from: { path: '^server/([^/]+)/' },
      to: {
        path: FEATURE,
        pathNot: ['^server/$1/', '^server/[^/]+/module\\.ts$', '^server/inbound/contract\\.ts$'],
      },
    },
    {
      name: 'repositories-import-no-services',
      severity: 'error',
      comment: 'Repositories are the only SQL users and know nothing of the services built on them.',
      from: { path: '\\.repository\\.ts$' },
      to: { path: '\\.service\\.ts$' },
    },
    {
      name: 'migrations-import-no-code',
      severity: 'error',
      comment: "A migration is frozen in time: it must not change when today's entities or services do.",
      from: { path: '^migrations/' },
      to: { path: '^(server|channels|ivr|client)/' },
    },
    {
      name: 'server-imports-no-client',
      severity: 'error',
      comment: 'The server, the channels and the voice menu never depend on the console.',
      from: { path: '^(server|channels|ivr)/' },
      to: { path: '^client/' },
    },
    {
      name: 'client-imports-only-contracts',
      severity: 'error',
      comment: 'The console shares only server/contracts with the server.',
      from: { path: '^client/' },
      to: { path: '^(server|channels|ivr|migrations)/', pathNot: '^server/contracts/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|coverage|test-artifacts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
