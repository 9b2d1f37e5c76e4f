// The docker compose deployment, checked without Docker (compose cannot run here): the file must
// satisfy the Compose Specification's JSON schema (as shipped by the `dclint` package, which tracks
// compose-spec/compose-spec) and wire the services correctly — healthchecks behind every
// depends_on, restart policies, named volumes, only known settings passed to Citebox, no secret
// values in the file, every interpolated variable documented in .env.example — and the Dockerfile
// must be a multi-stage Node 24 build that runs as a non-root user.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SETTINGS } from '../../services/index.js';

const root = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};

interface Service {
  image?: string;
  build?: { context?: string; args?: Record<string, string> } | string;
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  init?: boolean;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition?: string; required?: boolean }> | string[];
  healthcheck?: { test?: unknown; disable?: boolean };
  restart?: string;
  volumes?: Array<string | { type?: string; source?: string }>;
  profiles?: string[];
}

const services = Object.entries(compose.services);
/** A compose interpolation, `${expr}`, as written in the file. */
const interpolation = (expr: string) => `\${${expr}}`;
const citeboxServices = services.filter(([, s]) => (s.image ?? '').startsWith('citebox:'));
const settingVars = new Set(SETTINGS.flatMap((s) => s.env));
const secretVars = new Set(SETTINGS.filter((s) => s.kind.type === 'secret').flatMap((s) => s.env));

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification JSON schema', () => {
    // dclint's package exports do not list the schema file: find it next to its package.json.
    const require = createRequire(import.meta.url);
    const dclintDir = dirname(require.resolve('dclint'));
    const schemaPath = [join(dclintDir, 'schemas'), join(dclintDir, '..', 'schemas')]
      .map((dir) => join(dir, 'compose.schema.json'))
      .find((file) => existsSync(file));
    expect(schemaPath, 'dclint ships schemas/compose.schema.json').toBeDefined();
    const schema = JSON.parse(readFileSync(schemaPath ?? '', 'utf8')) as Record<string, unknown>;
    expect(schema['title']).toBe('Compose Specification');
    // Draft-07, Ajv's default dialect; its `$schema` spells the URL with https, which Ajv does not
    // know by that name.
    expect(String(schema['$schema'])).toContain('draft-07');
    delete schema['$schema'];
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The schema has teeth: a misspelt key or a wrong type is refused.
    const broken = structuredClone(compose) as unknown as {
      services: Record<string, Record<string, unknown>>;
    };
    (broken.services['citebox'] as Record<string, unknown>)['depends_onn'] = {};
    (broken.services['worker'] as Record<string, unknown>)['ports'] = 'eight thousand';
    expect(validate(broken)).toBe(false);
  });

  it('runs Elasticsearch 9 on one node with a heap, a healthcheck and a volume', () => {
    const es = compose.services['elasticsearch'];
    expect(es?.image).toMatch(
      /^\$\{ELASTICSEARCH_IMAGE:-docker\.elastic\.co\/elasticsearch\/elasticsearch\}:\$\{ELASTIC_VERSION:-9\.\d+\.\d+\}$/,
    );
    expect(es?.environment?.['discovery.type']).toBe('single-node');
    expect(String(es?.environment?.['ES_JAVA_OPTS'])).toMatch(/-Xms\S+ -Xmx\S+/);
    expect(es?.volumes?.some((v) => typeof v === 'string' && v.startsWith('esdata:'))).toBe(true);
  });

  it('puts a healthcheck behind every depends_on, and a healthcheck and restart policy on every service', () => {
    for (const [name, service] of services) {
      const deps = Array.isArray(service.depends_on)
        ? Object.fromEntries(service.depends_on.map((d) => [d, { condition: 'service_started' }]))
        : (service.depends_on ?? {});
      for (const [dep, spec] of Object.entries(deps)) {
        const target = compose.services[dep];
        expect(target, `${name} depends on unknown ${dep}`).toBeDefined();
        if (spec.condition === 'service_completed_successfully') {
          expect(target?.restart, `${dep} is a one-shot job`).toBe('no');
          continue;
        }
        expect(spec.condition, `${name} → ${dep} must wait for health`).toBe('service_healthy');
        expect(target?.healthcheck?.test, `${dep} needs a healthcheck`).toBeDefined();
      }
      expect(service.restart, `${name} restart policy`).toBeDefined();
      if (service.restart !== 'no') expect(service.healthcheck?.test, `${name} healthcheck`).toBeDefined();
    }
  });

  it('keeps data in named volumes only, all declared', () => {
    const declared = new Set(Object.keys(compose.volumes ?? {}));
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
        expect(source, `${name} mounts ${source}`).toMatch(/^[a-z][a-z0-9_-]*$/);
        expect(declared.has(source ?? ''), `${name}: volume ${source} is declared`).toBe(true);
      }
    }
  });

  it('passes Citebox only settings it knows, and no secret values', () => {
    expect(citeboxServices.map(([name]) => name).sort()).toEqual(['citebox', 'worker']);
    for (const [name, service] of citeboxServices) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        expect(settingVars.has(key), `${name}: ${key} is not a Citebox setting`).toBe(true);
        if (secretVars.has(key))
          expect(String(value), `${name}: ${key} must come from .env`).toMatch(/^\$\{/);
      }
    }
    expect(compose.services['elasticsearch']?.environment?.['ELASTIC_PASSWORD']).toMatch(
      /^\$\{ELASTIC_PASSWORD:\?/,
    );
    expect(composeText).not.toMatch(/(password|api_key|secret)\s*[:=]\s*["']?[A-Za-z0-9]{8,}/i);
  });

  it('lets the API queue crawls and the workers run them, sharing only Elasticsearch (they scale)', () => {
    const api = compose.services['citebox'];
    const worker = compose.services['worker'];
    expect(api?.environment?.['CITEBOX_CRAWL_WORKER']).toBe('false');
    expect(worker?.command).toEqual(['worker']);
    expect(worker?.environment?.['CITEBOX_CRAWL_WORKER']).toBe('true');
    // No volume at all: /data is in memory, the crawl state lives in the engine, so
    // `--scale citebox=M --scale worker=N` needs nothing shared but Elasticsearch.
    for (const s of [api, worker]) {
      expect(s?.volumes ?? []).toEqual([]);
      expect(s?.tmpfs).toContain('/data:uid=1000,gid=1000');
      expect(s?.environment?.['CITEBOX_BACKEND']).toBe('elasticsearch');
      expect(s?.environment?.['CITEBOX_DATA_DIR']).toBe('/data');
    }
    expect(compose.volumes?.['citebox-data']).toBeUndefined();
    for (const key of ['CITEBOX_BACKEND', 'ELASTICSEARCH_URL', 'CITEBOX_INDEX_NAME', 'CITEBOX_DATA_DIR']) {
      expect(worker?.environment?.[key], key).toBe(api?.environment?.[key]);
    }
  });

  it('takes the official images by default, and others from variables', () => {
    const api = compose.services['citebox'];
    expect(typeof api?.build === 'object' && api.build.args?.['NODE_IMAGE']).toBe(
      interpolation('NODE_IMAGE:-node:24-bookworm-slim'),
    );
    expect(compose.services['ollama']?.image).toBe(
      `${interpolation('OLLAMA_IMAGE:-ollama/ollama')}:${interpolation('OLLAMA_VERSION:-0.12.6')}`,
    );
    expect(compose.services['ollama-pull']?.image).toBe(compose.services['ollama']?.image);
  });

  it('runs Citebox read-only, without capabilities, behind an init process', () => {
    for (const [name, service] of citeboxServices) {
      expect(service.read_only, name).toBe(true);
      expect(service.tmpfs, name).toEqual(['/tmp', '/data:uid=1000,gid=1000']);
      expect(service.cap_drop, name).toEqual(['ALL']);
      expect(service.security_opt, name).toContain('no-new-privileges:true');
      expect(service.init, name).toBe(true);
    }
  });

  it('wires the optional ollama profile as the LLM and pulls its model once', () => {
    expect(compose.services['ollama']?.profiles).toEqual(['ollama']);
    const pull = compose.services['ollama-pull'];
    expect(pull?.profiles).toEqual(['ollama']);
    expect(JSON.stringify(pull?.command)).toContain('ollama pull');
    const deps = compose.services['citebox']?.depends_on as Record<string, { required?: boolean }>;
    expect(deps['ollama-pull']?.required).toBe(false);
    const env = read('.env.example');
    expect(env).toMatch(/^# LLM_BASE_URL=http:\/\/ollama:11434\/v1$/m);
    expect(env).toMatch(/^# COMPOSE_PROFILES=ollama$/m);
  });

  it('documents every variable it reads from .env in .env.example', () => {
    const env = read('.env.example');
    const used = new Set([...composeText.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]));
    for (const variable of used)
      expect(env, `${variable} in .env.example`).toMatch(new RegExp(`^#? ?${variable}=`, 'm'));
    // And nothing in .env.example that compose ignores (other than compose's own variables).
    const listed = [...env.matchAll(/^#? ?([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    for (const variable of listed) {
      if (variable === 'COMPOSE_PROFILES') continue;
      expect(used.has(variable), `${variable} is used by docker-compose.yml`).toBe(true);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  it('builds in stages on Node 24 and runs as a non-root user with a healthcheck', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-/m);
    expect([...dockerfile.matchAll(/^FROM /gm)].length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    // Node flags may come first (the launcher's, test/launcher-flags.test.ts).
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", (?:"--[\w=-]+", )*"\/app\/bin\/citebox\.js"\]$/m);
    expect(dockerfile).not.toMatch(/^ENV .*(KEY|PASSWORD|SECRET)/m);
  });

  it('copies every source folder the build compiles', () => {
    const build = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
    for (const folder of build.include) expect(dockerfile, folder).toContain(`COPY ${folder} ./${folder}`);
  });
});
