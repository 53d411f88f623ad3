import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RUNNING_FAKE_BOX_FILE } from '@wrk/subgraph-files/box/config';

// `pnpm wrk` as a person runs it: usage on --help, one actionable line and a non-zero exit on a mistake.
const WRK = fileURLToPath(new URL('../../app/src/cli/wrk.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BOX_') && name !== 'NODE_OPTIONS'));
const wrk = (...args: string[]) => {
  const run = spawnSync(TSX, [WRK, ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr.trim() };
};

describe('pnpm wrk', () => {
  it('prints usage, token and box commands alike, on --help', () => {
    const { status, stdout } = wrk('--help');
    expect(status).toBe(0);
    expect(stdout).toMatch(/pnpm wrk token create/);
    expect(stdout).toMatch(/pnpm wrk box sync \[--full \[--folder ID\]\]/);
  });

  const mistakes: [string[], RegExp][] = [
    [['nonsense'], /^unknown command "nonsense"/],
    [['box', 'nope'], /^unknown command "box nope"/],
    [['box', 'sync', '--folder', '12'], /^--folder goes with --full/],
    [['box', 'sync', '--full', '--folder', 'abc'], /^--folder takes a Box folder ID/],
  ];
  // Unless a `pnpm start` with its fake Box runs on this machine, which the CLI would use.
  if (!existsSync(RUNNING_FAKE_BOX_FILE)) mistakes.push([['box', 'sync'], /^Box is not configured: set BOX_DEVELOPER_TOKEN/]);
  it.each(mistakes)('refuses %j in one line with a non-zero exit', (args, message) => {
    const { status, stderr } = wrk(...args);
    expect(status).not.toBe(0);
    expect(stderr).toMatch(message);
    expect(stderr.split('\n')).toHaveLength(1);
  });
});
