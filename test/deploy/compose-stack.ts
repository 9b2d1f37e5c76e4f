// Drives a docker compose project from a test: the compose CLI with the project's files and env
// file, container state and health, logs, and the guide's shell commands run as a user would type
// them. Everything goes through the docker CLI (no Docker API client), as a user's commands do.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface StackOptions {
  /** Compose project name (containers are `<project>-<service>-1`, volumes `<project>_<name>`). */
  readonly project: string;
  /** The repository: the project directory, where the compose file's relative paths start. */
  readonly root: string;
  readonly envFile: string;
  /** Compose files, the repository's docker-compose.yml first. */
  readonly files: readonly string[];
  /** Working directory of guide commands (where the user's .env is). */
  readonly installDir: string;
}

export interface ServiceState {
  readonly Service: string;
  readonly State: string;
  readonly Health: string;
  readonly ExitCode: number;
}

export interface ContainerState {
  readonly Id: string;
  readonly RestartCount: number;
  readonly State: {
    readonly Status: string;
    readonly Running: boolean;
    readonly Pid: number;
    readonly ExitCode: number;
    readonly StartedAt: string;
    readonly Health?: { readonly Status: string; readonly Log: Array<{ ExitCode: number; Output: string }> };
  };
}

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it returns a value other than undefined. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs, everyMs = 1_000 }: { timeoutMs: number; everyMs?: number },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
}

export async function command(
  file: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      timeout: options.timeoutMs ?? 120_000,
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number | string; killed?: boolean };
    if (typeof e.code !== 'number' && !e.killed && e.stdout === undefined) throw err;
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : -1 };
  }
}

/** Throws with the command's output unless it exited 0. */
export function ok(result: CommandResult, what: string): CommandResult {
  if (result.code !== 0) {
    throw new Error(
      `${what} exited ${result.code}\n${result.stderr.slice(-3000)}\n${result.stdout.slice(-2000)}`,
    );
  }
  return result;
}

export class ComposeStack {
  constructor(readonly options: StackOptions) {}

  /** The arguments that make `docker compose` address this project. */
  get composeArgs(): string[] {
    const { project, root, envFile, files } = this.options;
    return [
      'compose',
      '-p',
      project,
      '--project-directory',
      root,
      '--env-file',
      envFile,
      ...files.flatMap((f) => ['-f', f]),
    ];
  }

  compose(args: readonly string[], timeoutMs = 180_000): Promise<CommandResult> {
    return command('docker', [...this.composeArgs, ...args], { cwd: this.options.root, timeoutMs });
  }

  docker(args: readonly string[], timeoutMs = 60_000): Promise<CommandResult> {
    return command('docker', args, { timeoutMs });
  }

  container(service: string): string {
    return `${this.options.project}-${service}-1`;
  }

  async services(): Promise<ServiceState[]> {
    const { stdout } = ok(await this.compose(['ps', '--all', '--format', 'json']), 'docker compose ps');
    const text = stdout.trim();
    if (!text) return [];
    // One JSON object per line (compose 2.21+), or one array (older).
    return text.startsWith('[')
      ? (JSON.parse(text) as ServiceState[])
      : text.split('\n').map((line) => JSON.parse(line) as ServiceState);
  }

  async inspect(service: string): Promise<ContainerState> {
    const { stdout } = ok(
      await this.docker(['inspect', this.container(service)]),
      `docker inspect ${service}`,
    );
    const [state] = JSON.parse(stdout) as ContainerState[];
    if (!state) throw new Error(`no container for ${service}`);
    return state;
  }

  async health(service: string): Promise<string> {
    const state = await this.inspect(service);
    return state.State.Health?.Status ?? (state.State.Running ? 'running' : state.State.Status);
  }

  /**
   * Waits until every service that runs is healthy (or running, without a healthcheck); returns
   * when each became so, in seconds from the call (to within the 2 s polling).
   */
  async waitHealthy(timeoutMs: number): Promise<Record<string, number>> {
    const started = performance.now();
    const healthyAt: Record<string, number> = {};
    return waitFor(
      'every service to be healthy',
      async () => {
        const states = await this.services();
        if (states.length === 0) return undefined;
        const failed = states.find((s) => s.State === 'exited' && s.ExitCode !== 0);
        if (failed) throw new Error(`${failed.Service} exited ${failed.ExitCode}`);
        for (const s of states) {
          if (s.State === 'running' && (s.Health === '' || s.Health === 'healthy')) {
            healthyAt[s.Service] ??= Math.round((performance.now() - started) / 1000);
          }
        }
        return Object.keys(healthyAt).length === states.length ? healthyAt : undefined;
      },
      { timeoutMs, everyMs: 2_000 },
    ).catch(async (err: Error) => {
      const states = await this.services().catch(() => []);
      throw new Error(
        `${err.message}: ${JSON.stringify(states.map((s) => [s.Service, s.State, s.Health]))}`,
        {
          cause: err,
        },
      );
    });
  }

  /**
   * A service's log, as plain lines: some compose versions (Debian's 2.26) start every line with a
   * terminal escape (erase line, `ESC[2K`) even with `--no-color` and no terminal.
   */
  async logs(service: string): Promise<string> {
    return ok(
      await this.compose(['logs', '--no-log-prefix', '--no-color', service]),
      `logs ${service}`,
    ).stdout.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  }

  exec(service: string, args: readonly string[], timeoutMs = 120_000): Promise<CommandResult> {
    return this.compose(['exec', '-T', service, ...args], timeoutMs);
  }

  /**
   * Runs guide commands in one bash, in the install directory, with the .env loaded as a user
   * would (`set -a; . ./.env`), `docker compose` addressing this project, and `sudo` as is (root)
   * or a no-op prefix. The commands' text is run as given: substitutions are the caller's.
   */
  shell(commands: readonly string[], timeoutMs = 180_000): Promise<CommandResult> {
    const compose = this.composeArgs
      .slice(1)
      .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
      .join(' ');
    const prelude = [
      'set -euo pipefail',
      `docker() { if [ "\${1:-}" = compose ]; then shift; command docker compose ${compose} "$@"; else command docker "$@"; fi; }`,
      'sudo() { "$@"; }',
      'if [ -f .env ]; then set -a; . ./.env; set +a; fi',
    ];
    return command('bash', ['-c', [...prelude, ...commands].join('\n')], {
      cwd: this.options.installDir,
      timeoutMs,
    });
  }
}
