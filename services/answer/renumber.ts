// Renumbers an answer's [n] markers in order of first use (1, 2, 3…), leaving Markdown code alone.
// Pure.

/** Applies `fn` to the parts of a Markdown text that are not code (fenced or inline). */
export function mapOutsideCode(text: string, fn: (prose: string) => string): string {
  let out = '';
  let i = 0;
  let proseStart = 0;
  while (i < text.length) {
    if (text[i] !== '`') {
      i++;
      continue;
    }
    let run = 1;
    while (text[i + run] === '`') run++;
    const ticks = '`'.repeat(run);
    // A fence runs to the next fence of at least its length; inline code to the same run on its line.
    let close = -1;
    if (run >= 3) {
      const re = new RegExp(`\`{${run},}`, 'g');
      re.lastIndex = i + run;
      const m = re.exec(text);
      close = m ? m.index + m[0].length : text.length;
    } else {
      const lineEnd = text.indexOf('\n', i + run);
      const limit = lineEnd < 0 ? text.length : lineEnd;
      let at = text.indexOf(ticks, i + run);
      while (at >= 0 && at < limit && text[at + run] === '`') at = text.indexOf(ticks, at + run + 1);
      close = at >= 0 && at < limit ? at + run : limit;
    }
    out += fn(text.slice(proseStart, i)) + text.slice(i, close);
    i = close;
    proseStart = close;
  }
  return out + fn(text.slice(proseStart));
}

export interface Renumbered {
  readonly text: string;
  /** Old numbers in their new order: the cited ones by first use, then the others by rank. */
  readonly order: readonly number[];
  /** New numbers that the text cites. */
  readonly cited: ReadonlySet<number>;
}

export function renumberAnswer(text: string, sourceCount: number): Renumbered {
  const order: number[] = [];
  mapOutsideCode(text, (prose) => {
    for (const m of prose.matchAll(/\[(\d+)\]/g)) {
      const n = Number(m[1]);
      if (n >= 1 && n <= sourceCount && !order.includes(n)) order.push(n);
    }
    return prose;
  });
  const citedCount = order.length;
  for (let n = 1; n <= sourceCount; n++) if (!order.includes(n)) order.push(n);
  const newNumber = new Map(order.map((old, i) => [old, i + 1]));
  const renumbered = mapOutsideCode(text, (prose) =>
    prose.replace(/\[(\d+)\]/g, (_whole, digits: string) => {
      const n = newNumber.get(Number(digits));
      return n === undefined ? '' : `[${n}]`;
    }),
  );
  return { text: renumbered, order, cited: new Set(Array.from({ length: citedCount }, (_, i) => i + 1)) };
}
