import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * The import rules of .dependency-cruiser.cjs, run as CI runs them (`npm run check:imports`): the
 * tree as it is breaks none, and a tree with one planted violation per rule breaks each, by name.
 */
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'node_modules', '.bin', 'depcruise');

function cruise(cwd: string, paths: string[]): { rule: string; from: string; to: string }[] {
  const r = spawnSync(BIN, [...paths, '--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!r.stdout) throw new Error(`depcruise gave no output: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return report.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

describe('import rules (dependency-cruiser)', () => {
  it('the tree as it is breaks none of them', () => {
    expect(cruise(ROOT, ['server', 'channels', 'ivr', 'migrations', 'client/src', 'ormconfig.ts'])).toEqual([]);
  }, 60_000);

  it('a planted violation of each rule fails with that rule’s name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-imports-'));
    const plant = (file: string, body: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), body);
    };
    try {
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', moduleResolution: 'node', strict: true } }));
      plant('server/sms/module.ts', "import { internal } from './outbound.service';\nexport const sms = internal;\n");
      plant('server/sms/outbound.service.ts', 'export const internal = 1;\n');
      plant('server/sms/stop-list.repository.ts', "import { internal } from './outbound.service';\nexport const list = internal;\n");
      plant('server/inbound/contract.ts', 'export interface InboundContact { body: string }\n');
      plant('server/core/kernel.ts', "import { sms } from '../sms/module';\nexport const k = sms;\n");
      plant('server/contracts/names.ts', "import { k } from '../core/kernel';\nexport const n = k;\n");
      plant(
        'channels/twilio-sms/adapter.ts',
        "import { sms } from '../../server/sms/module';\nimport type { InboundContact } from '../../server/inbound/contract';\nexport const a = sms;\nexport type C = InboundContact;\n",
      );
      plant(
        'server/journal/service.ts',
        "import { internal } from '../sms/outbound.service';\nimport { sms } from '../sms/module';\nexport const j = internal + sms;\n",
      );
      plant('server/voice/a.ts', "import { b } from './b';\nexport const a = () => b;\n");
      plant('server/voice/b.ts', "import { a } from './a';\nexport const b = () => a;\n");
      plant('migrations/1-Create.ts', "import { n } from '../server/contracts/names';\nexport const m = n;\n");
      plant(
        'client/src/main.ts',
        "import { sms } from '../../server/sms/module';\nimport { n } from '../../server/contracts/names';\nexport const c = sms + n;\n",
      );
      plant('server/web-forms/render.ts', "import { c } from '../../client/src/main';\nexport const r = c;\n");
      const found = cruise(dir, ['server', 'channels', 'migrations', 'client/src']);
      const by = (rule: string) => found.filter((v) => v.rule === rule).map((v) => `${v.from} → ${v.to}`);
      expect(by('core-imports-no-feature')).toEqual(['server/core/kernel.ts → server/sms/module.ts']);
      expect(by('contracts-import-only-contracts')).toEqual(['server/contracts/names.ts → server/core/kernel.ts']);
      // The adapter's import of the inbound contract is allowed; its import of the feature is not.
      expect(by('channels-import-only-the-inbound-contract')).toEqual(['channels/twilio-sms/adapter.ts → server/sms/module.ts']);
      // Through module.ts is allowed; past it is not.
      expect(by('feature-imports-feature-through-module')).toEqual(['server/journal/service.ts → server/sms/outbound.service.ts']);
      expect(by('repositories-import-no-services')).toEqual(['server/sms/stop-list.repository.ts → server/sms/outbound.service.ts']);
      expect(by('migrations-import-no-code')).toEqual(['migrations/1-Create.ts → server/contracts/names.ts']);
      expect(by('server-imports-no-client')).toEqual(['server/web-forms/render.ts → client/src/main.ts']);
      expect(by('client-imports-only-contracts')).toEqual(['client/src/main.ts → server/sms/module.ts']);
      // A cycle is reported once, at the import that closes it.
      expect(by('no-circular')).toHaveLength(1);
      expect(by('no-circular')[0]).toMatch(/^server\/voice\/[ab]\.ts → server\/voice\/[ab]\.ts$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
