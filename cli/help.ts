// `citebox --help` and `citebox <command> --help`: every command's synopsis, options and exit
// codes, written in one place so the help, the README and the tests say the same. Pure.

/** Bad usage (an unknown option, a value that is not a number, a missing argument): sysexits' EX_USAGE. */
export const EXIT_USAGE = 64;

export interface CommandHelp {
  readonly name: string;
  /** What follows `citebox <name>` (`<url...> [options]`). */
  readonly synopsis: string;
  /** One line, for the command list. */
  readonly summary: string;
  /** A paragraph or two. */
  readonly description: string;
  /** [flags, meaning]; `-h, --help` is added to every command. */
  readonly options: ReadonlyArray<readonly [string, string]>;
  /** [code, meaning]; the bad-usage code is added to every command. */
  readonly exitCodes: ReadonlyArray<readonly [number, string]>;
  /** The environment variables that matter most to the command. */
  readonly environment?: string;
}

const HELP_OPTION = ['-h, --help', 'show this help'] as const;
const USAGE_EXIT = [
  EXIT_USAGE,
  'bad usage: an unknown option, a missing argument, a value that is not a number',
] as const;

export const COMMANDS: readonly CommandHelp[] = [
  {
    name: 'serve',
    synopsis: '[options]',
    summary: 'run the API and the website (what `npm start` runs)',
    description:
      'Serves the JSON API, the OpenAI-compatible facade, the docs and the website on HOST:PORT until it is\nstopped. SIGTERM or SIGINT (Ctrl-C) stop it gracefully: new requests are refused, requests and\nstreams in flight get CITEBOX_SHUTDOWN_GRACE_MS to finish, the index is flushed; a second signal\nstops it at once. Logs go to stdout: readable lines on a terminal, JSON lines otherwise (LOG_FORMAT).',
    options: [],
    exitCodes: [
      [0, 'stopped by SIGTERM or SIGINT after a graceful shutdown'],
      [
        1,
        'could not start (bad configuration, port in use, index unreadable), or a second signal or a\nshutdown that did not finish in time',
      ],
    ],
    environment:
      'PORT (8080), HOST, CITEBOX_DATA_DIR, CITEBOX_BACKEND, LLM_BASE_URL, CITEBOX_ADMIN_KEY,\nCITEBOX_API_KEYS, CITEBOX_WORKERS, LOG_LEVEL, LOG_FORMAT (see the README).',
  },
  {
    name: 'crawl',
    synopsis: '<url...> [options]',
    summary: 'crawl sites into the index; resumes an interrupted crawl',
    description:
      'Crawls the sites of the seed URLs into the index, in the foreground, with a progress line on\nstderr and a summary on stdout. Run the same command again after an interruption (Ctrl-C, a\ncrash): it resumes the unfinished job instead of starting over.',
    options: [
      ['--max-pages N', 'pages to index at most, revisits of known pages included (default 1000)'],
      ['--max-depth N', 'links to follow from a seed (default 10; 0: the seeds only, no sitemaps)'],
      ['--include PATTERN', 'crawl only URLs matching it (repeatable): /path/*, *glob*, /regex/'],
      ['--exclude PATTERN', 'skip URLs matching it (repeatable)'],
      ['--scope host|domain', "stay on the seeds' hosts (default) or their registrable domains"],
      ['--host NAME', 'crawl this host too (repeatable)'],
      ['--max-pages-per-host N', 'fetch at most N pages of any one host'],
      ['--refresh', 're-check every known page now, whatever its revisit interval'],
    ],
    exitCodes: [
      [0, 'the crawl is done (some pages may have been skipped or failed: see the summary)'],
      [1, 'the crawl failed (no page could be indexed; the reason is printed) or was cancelled'],
      [130, 'interrupted by Ctrl-C or SIGTERM; run the same command to resume'],
    ],
    environment:
      'CITEBOX_DATA_DIR, CITEBOX_CRAWL_DELAY_MS, CITEBOX_CRAWL_CONCURRENCY,\nCITEBOX_ALLOW_PRIVATE_NETWORKS (needed for localhost and intranet sites), CITEBOX_USER_AGENT\n(see docs/crawling.md).',
  },
  {
    name: 'ask',
    synopsis: '"<question>" [options]',
    summary: 'answer a question from the index, with its sources',
    description:
      "Prints the answer, whose claims cite their sources as [n], and the numbered sources (the same\nnumbers as the API and the website). With --json, prints the API's JSON response instead.",
    options: [
      ['--json', "print the API's JSON response (`POST /v1/answer`)"],
      ['--top-k N', 'passages to retrieve and cite from (1-20, default 5)'],
      ['--sites a.com,b.org', 'only pages of these hosts (subdomains included)'],
    ],
    exitCodes: [
      [0, 'answered'],
      [1, 'failed (the index or the LLM could not be reached, bad configuration)'],
      [
        2,
        'no answer: the index holds nothing good enough (answer_mode "none"), or it is empty; the\nanswer says so, with --json too',
      ],
    ],
    environment: 'CITEBOX_DATA_DIR, CITEBOX_BACKEND, LLM_BASE_URL, LLM_MODEL (see the README).',
  },
  {
    name: 'status',
    synopsis: '[options]',
    summary: 'the backend, pages, passages, sites and crawl jobs',
    description: 'Prints what the index holds and the latest crawl jobs.',
    options: [['--json', 'print it as JSON']],
    exitCodes: [
      [0, 'printed'],
      [1, 'the index could not be read (bad configuration, the backend unreachable)'],
    ],
    environment: 'CITEBOX_DATA_DIR, CITEBOX_BACKEND, ELASTICSEARCH_URL, OPENSEARCH_URL.',
  },
  {
    name: 'worker',
    synopsis: '[options]',
    summary: 'run queued crawl jobs (beside an API with CITEBOX_CRAWL_WORKER=false)',
    description:
      'Runs the crawl jobs the API queues, until SIGTERM or SIGINT; an interrupted job is resumed by the\nnext worker.',
    options: [['--healthcheck', "exit 0 when this host's worker is alive (for a container health check)"]],
    exitCodes: [
      [0, 'stopped by a signal; with --healthcheck: the worker is alive'],
      [1, 'failed; with --healthcheck: no live worker on this host'],
    ],
    environment: 'CITEBOX_DATA_DIR, CITEBOX_BACKEND, ELASTICSEARCH_URL, OPENSEARCH_URL.',
  },
  {
    name: 'reindex',
    synopsis: '[options]',
    summary: 'rebuild the Elasticsearch/OpenSearch index and swap its alias atomically',
    description:
      'Copies every passage into a new index with the current mappings, then points the alias at it\nin one step: searches never see a half-built index.',
    options: [
      ['--json', 'print the report as JSON'],
      ['--keep-old', 'keep the previous index instead of deleting it'],
    ],
    exitCodes: [
      [0, 'reindexed'],
      [1, 'failed, or some passages could not be copied (the alias still points at the old index)'],
    ],
    environment: 'CITEBOX_BACKEND, ELASTICSEARCH_URL, OPENSEARCH_URL.',
  },
];

export function findCommand(name: string): CommandHelp | undefined {
  return COMMANDS.find((c) => c.name === name);
}

function table(rows: ReadonlyArray<readonly [string, string]>, indent = 2): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 3;
  return rows
    .map(([left, right]) => {
      const [first, ...more] = right.split('\n');
      const pad = ' '.repeat(indent + width);
      return [
        `${' '.repeat(indent)}${left.padEnd(width)}${first}`,
        ...more.map((line) => `${pad}${line}`),
      ].join('\n');
    })
    .join('\n');
}

/** `citebox <command> --help`. */
export function commandHelp(command: CommandHelp): string {
  const options = table([...command.options, HELP_OPTION]);
  const codes = table(
    [...command.exitCodes, USAGE_EXIT].map(([code, text]) => [String(code), text] as const),
  );
  return [
    `Usage: citebox ${command.name} ${command.synopsis}`,
    '',
    command.description,
    '',
    'Options:',
    options,
    '',
    'Exit codes:',
    codes,
    ...(command.environment ? ['', `Environment: ${command.environment}`] : []),
  ].join('\n');
}

/** `citebox --help`. */
export function overviewHelp(): string {
  return [
    'Usage: citebox <command> [options]',
    '',
    'Commands:',
    table(COMMANDS.map((c) => [c.name, c.summary] as const)),
    '',
    '`citebox <command> --help` (or `citebox help <command>`) lists its options and exit codes.',
    `Every command exits ${EXIT_USAGE} on bad usage. Configuration comes from the environment (see the README).`,
  ].join('\n');
}

/** Whether the arguments ask for help (`-h`/`--help` before any `--`). */
export function asksForHelp(args: readonly string[]): boolean {
  for (const arg of args) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

/**
 * The help a command line asks for, or undefined when it asks for something else (an unknown
 * command or topic is left to the caller, which says so). Light to load: the `citebox` script
 * answers help before importing the rest of Citebox.
 */
export function helpText(argv: readonly string[]): string | undefined {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') return overviewHelp();
  if (command === 'help') {
    if (rest[0] === undefined) return overviewHelp();
    const topic = findCommand(rest[0]);
    return topic ? commandHelp(topic) : undefined;
  }
  const known = findCommand(command);
  return known && asksForHelp(rest) ? commandHelp(known) : undefined;
}
