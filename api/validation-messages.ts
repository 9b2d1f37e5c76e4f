// Turns the schema validator's findings into one plain-words problem: which parameter, what is
// wrong with it, and an OpenAI-style code for the chat facade. Pure.
//
// The validator stops at the first failure, but a failed `anyOf` (a nullable field, a date that
// may be a date-time) reports every branch; the branch that says most about the value wins, so
// "n must be at most 1" is said instead of "body/n must be <= 1, body/n must be null, body/n must
// match a schema in anyOf".

/** The fields of an Ajv error this module reads. */
export interface SchemaIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string | undefined;
  /** With Ajv's `verbose`: the schema holding the failed keyword (for its `description`). */
  readonly parentSchema?: unknown;
}

export interface ValidationProblem {
  /** The parameter at fault in OpenAI's notation (`messages[0].role`), or null for the whole body. */
  readonly param: string | null;
  /** One sentence in plain words. */
  readonly message: string;
  /** OpenAI-style lower-case code (`missing_required_parameter`, `invalid_type`…). */
  readonly code: string;
  /** The Citebox error code: INVALID_URL for a value that must be a URL, else INVALID_REQUEST. */
  readonly citeboxCode: 'INVALID_REQUEST' | 'INVALID_URL';
}

function citeboxCodeOf(issue: SchemaIssue): ValidationProblem['citeboxCode'] {
  const schema = issue.parentSchema as { format?: unknown } | undefined;
  return issue.keyword !== 'type' && schema?.format === 'uri' ? 'INVALID_URL' : 'INVALID_REQUEST';
}

/** Where a request part's parameters live, as the messages name it. */
export type RequestPart = 'body' | 'querystring' | 'params' | 'headers' | string;

const PART_NAMES: Readonly<Record<string, string>> = {
  body: 'The body',
  querystring: 'The query string',
  params: 'The path',
  headers: 'The headers',
};

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

/** `/messages/0/role` → `messages[0].role`. */
export function paramName(instancePath: string, child?: string): string | null {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (child !== undefined) parts.push(child);
  let out = '';
  for (const part of parts) out += /^\d+$/.test(part) ? `[${part}]` : out ? `.${part}` : part;
  return out || null;
}

function quoted(name: string | null, part: RequestPart): string {
  return name === null ? (PART_NAMES[part] ?? 'The request') : `"${name}"`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function typeList(type: unknown): string {
  const types = (Array.isArray(type) ? type : [type]).map((t) => TYPE_NAMES[String(t)] ?? String(t));
  return types.length <= 1
    ? (types[0] ?? 'another type')
    : `${types.slice(0, -1).join(', ')} or ${types.at(-1)}`;
}

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  date: 'a real date (YYYY-MM-DD)',
  'date-time': 'a real date-time (RFC 3339, e.g. 2024-05-01T12:00:00Z)',
  uri: 'an absolute URL',
};

function describedAs(issue: SchemaIssue): string | undefined {
  const schema = issue.parentSchema as { description?: unknown } | undefined;
  return typeof schema?.description === 'string' && schema.description.length < 120
    ? schema.description.replace(/\.$/, '')
    : undefined;
}

/** One issue in words; `name` is already quoted. */
function sentence(issue: SchemaIssue, name: string, part: RequestPart): { message: string; code: string } {
  const p = issue.params;
  switch (issue.keyword) {
    case 'required': {
      const missing = String(p['missingProperty']);
      return {
        message: `"${paramName(issue.instancePath, missing)}" is required`,
        code: 'missing_required_parameter',
      };
    }
    case 'additionalProperties': {
      const extra = String(p['additionalProperty']).slice(0, 100);
      const where = issue.instancePath ? ` in ${name}` : part === 'body' ? '' : ` in ${name.toLowerCase()}`;
      return { message: `Unknown parameter "${extra}"${where}`, code: 'unknown_parameter' };
    }
    case 'type':
      return { message: `${name} must be ${typeList(p['type'])}`, code: 'invalid_type' };
    case 'maximum':
    case 'exclusiveMaximum': {
      const limit = Number(p['limit']);
      const bound = issue.keyword === 'maximum' ? `at most ${limit}` : `less than ${limit}`;
      return { message: `${name} must be ${bound}`, code: 'above_max_value' };
    }
    case 'minimum':
    case 'exclusiveMinimum': {
      const limit = Number(p['limit']);
      const bound = issue.keyword === 'minimum' ? `at least ${limit}` : `more than ${limit}`;
      return { message: `${name} must be ${bound}`, code: 'below_min_value' };
    }
    case 'maxLength':
      return {
        message: `${name} must be at most ${plural(Number(p['limit']), 'character', 'characters')} long`,
        code: 'string_above_max_length',
      };
    case 'minLength':
      return Number(p['limit']) <= 1
        ? { message: `${name} must not be empty`, code: 'empty_string' }
        : {
            message: `${name} must be at least ${plural(Number(p['limit']), 'character', 'characters')} long`,
            code: 'string_below_min_length',
          };
    case 'maxItems':
      return {
        message: `${name} must have at most ${plural(Number(p['limit']), 'item', 'items')}`,
        code: 'array_above_max_length',
      };
    case 'minItems':
      return Number(p['limit']) <= 1
        ? { message: `${name} must not be empty`, code: 'empty_array' }
        : {
            message: `${name} must have at least ${plural(Number(p['limit']), 'item', 'items')}`,
            code: 'array_below_min_length',
          };
    case 'maxProperties':
      return {
        message: `${name} must have at most ${plural(Number(p['limit']), 'field', 'fields')}`,
        code: 'object_above_max_size',
      };
    case 'enum': {
      const allowed = (Array.isArray(p['allowedValues']) ? p['allowedValues'] : []).map((v) =>
        JSON.stringify(v),
      );
      const list = allowed.length === 1 ? allowed[0] : `one of ${allowed.join(', ')}`;
      return { message: `${name} must be ${list}`, code: 'invalid_value' };
    }
    case 'const':
      return { message: `${name} must be ${JSON.stringify(p['allowedValue'])}`, code: 'invalid_value' };
    case 'format': {
      const format = String(p['format']);
      return {
        message: `${name} must be ${FORMAT_NAMES[format] ?? `in the ${format} format`}`,
        code: 'invalid_value',
      };
    }
    case 'pattern': {
      const what = describedAs(issue);
      return {
        message: what
          ? `${name} must be ${what.charAt(0).toLowerCase()}${what.slice(1)}`
          : `${name} is not in the expected form`,
        code: 'invalid_value',
      };
    }
    default:
      return { message: `${name} is not valid`, code: 'invalid_value' };
  }
}

/** How much an issue says about the value (higher: more). */
function weight(issue: SchemaIssue): number {
  if (issue.keyword === 'anyOf' || issue.keyword === 'oneOf') return 0;
  // "must be null" only says that null would also have done.
  if (issue.keyword === 'type' && issue.params['type'] === 'null') return 1;
  if (issue.keyword === 'type') return 2;
  return 3;
}

/**
 * The one problem to report. Among the issues at the deepest path, the one that says most; the
 * alternatives of a failed `anyOf` that all fail on format are said together.
 */
export function validationProblem(issues: readonly SchemaIssue[], part: RequestPart): ValidationProblem {
  if (issues.length === 0) {
    return {
      param: null,
      message: 'The request is not valid',
      code: 'invalid_value',
      citeboxCode: 'INVALID_REQUEST',
    };
  }
  const formats = issues.filter((i) => i.keyword === 'format');
  let best = issues[0] as SchemaIssue;
  for (const issue of issues) {
    const depth = issue.instancePath.split('/').length;
    const bestDepth = best.instancePath.split('/').length;
    if (depth > bestDepth || (depth === bestDepth && weight(issue) > weight(best))) best = issue;
  }
  const param = paramName(best.instancePath);
  const name = quoted(param, part);
  if (best.keyword === 'format' && formats.length > 1) {
    const names = formats.map((f) => FORMAT_NAMES[String(f.params['format'])] ?? String(f.params['format']));
    return {
      param,
      message: `${name} must be ${names.join(' or ')}`,
      code: 'invalid_value',
      citeboxCode: 'INVALID_REQUEST',
    };
  }
  if (best.keyword === 'type') {
    // The types every alternative of an `anyOf` would have taken, said together.
    const types = issues
      .filter((i) => i.keyword === 'type' && i.instancePath === best.instancePath)
      .flatMap((i) => (Array.isArray(i.params['type']) ? i.params['type'] : [i.params['type']]));
    return {
      param,
      message: `${name} must be ${typeList([...new Set(types)])}`,
      code: 'invalid_type',
      citeboxCode: 'INVALID_REQUEST',
    };
  }
  const { message, code } = sentence(best, name, part);
  const child =
    best.keyword === 'required'
      ? best.params['missingProperty']
      : best.keyword === 'additionalProperties'
        ? best.params['additionalProperty']
        : undefined;
  return {
    param: child === undefined ? param : paramName(best.instancePath, String(child)),
    message,
    code,
    citeboxCode: citeboxCodeOf(best),
  };
}
