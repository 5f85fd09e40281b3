import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerCertificate } from '../../src/cli/certificate.ts';
import { registerCheck } from '../../src/cli/check.ts';
import { runCommand } from './run-inprocess.ts';

describe('dynview check --certificate / dynview certificate check', () => {
  it('writes certificates that the checker accepts, and rejects one with an inequality flipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynview-cert-'));
    const file = join(dir, 'gd.cert.json');
    const c = await runCommand(registerCheck, [
      'check',
      'examples/claims/gd-flow-rate.json',
      '--runs',
      '2',
      '--certificate',
      file,
    ]);
    expect(c.code, c.error?.message).toBe(0);
    const ok = await runCommand(registerCertificate, [
      'certificate',
      'check',
      file,
      '--claim',
      'examples/claims/gd-flow-rate.json',
    ]);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/ACCEPTED — PROVED/);
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      certificates: Array<{ tree: { conditions?: Array<{ sign: string }> } }>;
    };
    const leaf = json.certificates[0].tree;
    leaf.conditions![0].sign = '<0';
    const bad = join(dir, 'tampered.json');
    writeFileSync(bad, JSON.stringify(json));
    const rej = await runCommand(registerCertificate, ['certificate', 'check', bad]);
    expect(rej.code).toBe(1);
    expect(rej.out).toMatch(/REJECTED/);
    writeFileSync(join(dir, 'empty.json'), '{}');
    expect(
      (await runCommand(registerCertificate, ['certificate', 'check', join(dir, 'empty.json')])).code,
    ).toBe(2);
  });
});
