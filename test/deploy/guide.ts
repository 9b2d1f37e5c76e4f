// The commands of docs/self-hosting.md, as the compose test runs them. A command is a line of a
// ```sh block (backslash continuations joined, comments and blank lines left out); one that ends
// with the comment `# needs the internet` is not run, and says so to the reader too. The compose
// test runs every other one, as written, with the substitutions below, and fails if any was not
// run: the guide cannot drift from what works.

export interface GuideCommand {
  /** The command as the guide writes it (one line, continuations joined). */
  readonly text: string;
  /** Marked `# needs the internet` in the guide (the test cannot run it on a closed network). */
  readonly needsInternet: boolean;
  /** Line number in the guide, for messages. */
  readonly line: number;
}

const INTERNET = /\s+#\s*needs the internet\b.*$/;

/** The commands of the ```sh blocks of a Markdown guide, in order. */
export function guideCommands(markdown: string): GuideCommand[] {
  const commands: GuideCommand[] = [];
  let inSh = false;
  let pending: { text: string; line: number } | undefined;
  const lines = markdown.split('\n');
  for (const [index, raw] of lines.entries()) {
    const fence = /^\s*```(\S*)/.exec(raw);
    if (fence) {
      inSh = !inSh && fence[1] === 'sh';
      pending = undefined;
      continue;
    }
    if (!inSh) continue;
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) continue;
    const text = pending ? `${pending.text} ${line}` : line;
    const start = pending?.line ?? index + 1;
    if (line.endsWith('\\')) {
      pending = { text: text.slice(0, -1).trimEnd(), line: start };
      continue;
    }
    pending = undefined;
    const needsInternet = INTERNET.test(text);
    commands.push({ text: stripComment(text), needsInternet, line: start });
  }
  return commands;
}

/** A trailing ` # comment` outside quotes, removed. */
export function stripComment(text: string): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      return text.slice(0, i).trimEnd();
    }
  }
  return text.trimEnd();
}

/** What the test machine has instead of what a user's has; applied to a command's text. */
export interface GuideSubstitutions {
  /** Where the test publishes Citebox (the guide says localhost:8080). */
  readonly citeboxOrigin: string;
  /** The site the test crawls (the guide says https://docs.example.com). */
  readonly siteUrl: string;
  /** The compose project name (the guide's volumes are named citebox_…). */
  readonly project: string;
  /** An image with a shell and tar that is already on the machine (the guide pulls busybox). */
  readonly toolImage: string;
}

export function substitute(text: string, s: GuideSubstitutions): string {
  return text
    .replaceAll('localhost:8080', s.citeboxOrigin.replace(/^https?:\/\//, ''))
    .replaceAll('https://docs.example.com', s.siteUrl)
    .replaceAll(/\bcitebox_(?=[a-z])/g, `${s.project}_`)
    .replaceAll(/(?<=\s)busybox(?=\s)/g, s.toolImage);
}
