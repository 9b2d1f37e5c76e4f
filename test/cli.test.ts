// The real `citebox` command (bin/citebox.js → dist/): crawl a local site, then ask and status.
// `npm test` builds dist/ first (pretest).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, EXIT_USAGE } from '../cli/help.js';
import { NO_SOURCES_TEXT } from '../services/index.js';
import { type TestEnv, testConfig } from './helpers/config.js';
import { htmlPage, startSite, type TestSite } from './helpers/site-server.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'citebox.js');

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('citebox CLI', () => {
  let site: TestSite;
  let env: TestEnv;
  let vars: Record<string, string>;

  beforeAll(async () => {
    site = await startSite({
      '/': {
        body: htmlPage(
          'Lighthouse keeping',
          '<main><h1>Lighthouses</h1><p>Lighthouse keepers kept the lamps lit from dusk to dawn and wrote the weather in the log every night. See <a href="/fresnel">the Fresnel lens</a>.</p></main>',
        ),
      },
      '/fresnel': {
        body: htmlPage(
          'The Fresnel lens',
          '<main><h1>The Fresnel lens</h1><p>The Fresnel lens was invented by the French physicist Augustin-Jean Fresnel in 1822 for lighthouses. It let a lighthouse beam be seen more than 20 miles away.</p></main>',
        ),
      },
    });
    env = testConfig();
    vars = {
      CITEBOX_DATA_DIR: env.dataDir,
      CITEBOX_ALLOW_PRIVATE_NETWORKS: 'true',
      CITEBOX_CRAWL_DELAY_MS: '0',
      CITEBOX_BOOTSTRAP_DOCS: 'false',
    };
  });
  afterAll(async () => {
    await site?.close();
    env?.cleanup();
  });

  it('crawls a site, then answers from it', async () => {
    const crawl = await run(['crawl', site.url, '--max-pages', '10'], vars);
    expect(crawl.stderr).toContain('Starting crawl');
    expect(crawl.stdout).toMatch(/done in .* 2 pages indexed/);
    expect(crawl.code).toBe(0);

    const ask = await run(['ask', 'Who invented the Fresnel lens?'], vars);
    expect(ask.code).toBe(0);
    expect(ask.stdout).toContain('Augustin-Jean Fresnel');
    expect(ask.stdout).toContain(`${site.origin}/fresnel`);

    const json = await run(['ask', '--json', 'When was the Fresnel lens invented?'], vars);
    const body = JSON.parse(json.stdout) as { answer: string; citations: Array<{ url: string }> };
    expect(body.answer).toContain('1822');
    expect(body.citations[0]?.url).toBe(`${site.origin}/fresnel`);

    const status = await run(['status', '--json'], vars);
    const s = JSON.parse(status.stdout) as { pages: number; crawl_jobs: Array<{ status: string }> };
    expect(s.pages).toBe(2);
    expect(s.crawl_jobs[0]?.status).toBe('done');
  });

  it('stops quietly when its reader goes away (citebox ask … | head -1)', async () => {
    // A long answer whose output stream is closed before it is written: EPIPE, exit 0, no stack.
    const child = spawn(process.execPath, [BIN, 'ask', 'Who invented the Fresnel lens?'], {
      env: { ...process.env, ...vars },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });

  it('keeps --scope domain beside --host (the extra host adds to the domain)', async () => {
    // 127.0.0.1 on another port is inside the seed's "domain" (an IP is its own domain, and
    // ports do not count there), but not inside the seed's host.
    const other = await startSite({
      '/': {
        body: htmlPage('Keepers', '<main><p>Lighthouse keepers trimmed the wicks every night.</p></main>'),
      },
    });
    const home = await startSite({
      '/': {
        body: htmlPage(
          'Home',
          `<main><p>Lighthouses and their keepers: who lit the lamps, trimmed the wicks and logged the storms.</p><a href="${other.url}">Keepers</a></main>`,
        ),
      },
    });
    const own = testConfig();
    try {
      const crawl = await run(['crawl', home.url, '--scope', 'domain', '--host', 'cdn.example.net'], {
        ...vars,
        CITEBOX_DATA_DIR: own.dataDir,
      });
      expect(crawl.stdout).toMatch(/done in .* 2 pages indexed/);
      expect(crawl.code).toBe(0);
      expect(other.requests).toContain('/');
    } finally {
      await home.close();
      await other.close();
      own.cleanup();
    }
  });

  it('exits with a clear message on bad input', async () => {
    const badUrl = await run(['crawl', 'ftp://example.com/'], vars);
    expect(badUrl.code).toBe(EXIT_USAGE);
    expect(badUrl.stderr).toMatch(/Only http and https/);
    const badConfig = await run(['status'], { ...vars, PORT: 'eighty' });
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toContain('PORT');
    const noQuestion = await run(['ask'], vars);
    expect(noQuestion.code).toBe(EXIT_USAGE);
  });

  it('crawl answers --help with its options and exit codes, and exits 64 on bad usage', async () => {
    const help = await run(['crawl', '--help'], vars);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: citebox crawl <url...>');
    expect(help.stdout).toMatch(/--max-pages N[\s\S]*Exit codes:[\s\S]*130/);
    const unknown = await run(['crawl', '--no-such-option', site.url], vars);
    expect(unknown.code).toBe(EXIT_USAGE);
    expect(unknown.stderr).toContain("Unknown option '--no-such-option'");
    const notANumber = await run(['crawl', site.url, '--max-pages', 'ten'], vars);
    expect(notANumber.code).toBe(EXIT_USAGE);
  });

  it('answers --help for every command, without needing a valid configuration', async () => {
    const badConfig = { ...vars, PORT: 'eighty' };
    const asked = [...COMMANDS.map(({ name }) => [name, '--help']), ['ask', '-h'], ['help', 'worker']];
    const helps = await Promise.all(asked.map((args) => run(args, badConfig)));
    for (const [i, args] of asked.entries()) {
      const help = helps[i] as Awaited<ReturnType<typeof run>>;
      const name = args[0] === 'help' ? args[1] : args[0];
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.stdout, args.join(' ')).toContain(`Usage: citebox ${name}`);
      expect(help.stdout, args.join(' ')).toMatch(/Options:[\s\S]*--help[\s\S]*Exit codes:\n\s+0 /);
      expect(help.stdout, args.join(' ')).toMatch(new RegExp(`\\n\\s+${EXIT_USAGE}\\s+bad usage`));
    }
    const ask = await run(['ask', '--help'], badConfig);
    expect(ask.stdout).toMatch(/\n\s+2\s+no answer/);
    const overview = await run(['--help'], badConfig);
    for (const { name } of COMMANDS) expect(overview.stdout).toMatch(new RegExp(`\\n  ${name}\\s`));
    for (const args of [
      ['status', '--bogus'],
      ['serve', '--port', '1'],
      ['ask', 'x', '--top-k', 'many'],
      ['nope'],
    ]) {
      const bad = await run(args, vars);
      expect(bad.code, args.join(' ')).toBe(EXIT_USAGE);
      expect(bad.stdout, args.join(' ')).toBe('');
    }
  });

  it('runs through npx on the machine’s own npm without EBADENGINE warnings', async () => {
    // npm checks `engines` against the Node that runs npm (often older than the project's Node 24).
    const npmBin = ['/usr/bin', '/usr/local/bin'].map((d) => join(d, 'npx')).find((p) => existsSync(p));
    if (!npmBin) return;
    const machinePath = (process.env['PATH'] ?? '')
      .split(delimiter)
      .filter((d) => !d.includes('node_modules'))
      .join(delimiter);
    const npx = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
      const child = spawn(npmBin, ['--no-install', 'citebox', '--version'], {
        cwd: join(import.meta.dirname, '..'),
        env: { ...process.env, PATH: machinePath },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(npx.code).toBe(0);
    expect(npx.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(npx.stderr).not.toContain('EBADENGINE');
  });

  it('ask exits 2 when it finds no answer, and says plainly that nothing came close', async () => {
    for (const json of [false, true]) {
      const ask = await run(['ask', ...(json ? ['--json'] : []), 'xylophone zeppelin quasar'], vars);
      expect(ask.code).toBe(2);
      const answer = json ? (JSON.parse(ask.stdout) as { answer: string }).answer : ask.stdout;
      expect(answer).toContain(NO_SOURCES_TEXT);
      expect(ask.stdout).not.toMatch(/listed below|Sources:/);
    }
  });

  it('a crawl whose seeds all fail exits 1 and prints the reason', async () => {
    const own = testConfig();
    try {
      // Private addresses refused (the default): the reason names the variable that lifts it.
      const crawl = await run(['crawl', site.url], {
        ...vars,
        CITEBOX_DATA_DIR: own.dataDir,
        CITEBOX_ALLOW_PRIVATE_NETWORKS: 'false',
      });
      expect(crawl.code).toBe(1);
      expect(crawl.stdout).toMatch(/failed in .* 0 pages indexed/);
      expect(crawl.stdout).toMatch(/Reason: No page could be indexed: .*CITEBOX_ALLOW_PRIVATE_NETWORKS=true/);
    } finally {
      own.cleanup();
    }
  });
});
