// The models folder (CITEBOX_MODELS_DIR, outside the repository): whether a catalog model and the
// pinned runtime are there and verified. A file is verified once by its sha256 (and, for GGUF, its
// metadata); a stamp beside it records the hash with the file's size and mtime, so later checks
// cost a stat, not a re-read of a gigabyte. Used by models:prepare, the local model server, the
// real-model tests and CI (to decide whether they can run).
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TRANSFORMERS_RUNTIME, transformersRuntimeDir } from '../../services/index.js';
import { readGgufHeader } from './gguf.js';
import { type CatalogModel, findModel, LLAMA_RUNTIME, modelPath, runtimeDir } from './model-catalog.js';

interface Stamp {
  readonly sha256: string;
  readonly size: number;
  readonly mtimeMs: number;
}

function stampPath(file: string): string {
  return `${file}.verified.json`;
}

/** Whether `file` was verified to have `sha256` and has not changed since. */
export function hasValidStamp(file: string, sha256: string): boolean {
  try {
    const stamp = JSON.parse(readFileSync(stampPath(file), 'utf8')) as Stamp;
    const stat = statSync(file);
    return stamp.sha256 === sha256 && stamp.size === stat.size && stamp.mtimeMs === stat.mtimeMs;
  } catch {
    return false;
  }
}

export function writeStamp(file: string, sha256: string): void {
  const stat = statSync(file);
  const stamp: Stamp = { sha256, size: stat.size, mtimeMs: stat.mtimeMs };
  writeFileSync(stampPath(file), `${JSON.stringify(stamp)}\n`);
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk);
  return hash.digest('hex');
}

/** The files a model consists of, each with the hash it must have. */
export function modelFiles(modelsDir: string, model: CatalogModel): Array<{ path: string; sha256: string }> {
  if (model.kind === 'gguf') return [{ path: modelPath(modelsDir, model), sha256: model.sha256 }];
  const folder = modelPath(modelsDir, model);
  return model.files.map((f) => ({ path: join(folder, f.path), sha256: f.sha256 }));
}

/** Whether every file of the model is in place and verified. */
export function isModelPrepared(modelsDir: string, model: CatalogModel): boolean {
  return modelFiles(modelsDir, model).every((f) => existsSync(f.path) && hasValidStamp(f.path, f.sha256));
}

/** The npm package of node-llama-cpp's prebuilt binary for this machine. */
export function llamaBinaryPackage(platform = process.platform, arch = process.arch): string | undefined {
  const name: Record<string, string> = {
    'linux-x64': 'linux-x64',
    'linux-arm64': 'linux-arm64',
    'darwin-arm64': 'mac-arm64-metal',
    'darwin-x64': 'mac-x64',
    'win32-x64': 'win-x64',
    'win32-arm64': 'win-arm64',
  };
  const key = name[`${platform}-${arch}`];
  return key ? `@node-llama-cpp/${key}` : undefined;
}

function installedVersion(dir: string, pkg: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')) as {
      version?: string;
    };
    return manifest.version;
  } catch {
    return undefined;
  }
}

/** Whether the pinned @huggingface/transformers (local embeddings) is installed. */
export function isTransformersPrepared(modelsDir: string): boolean {
  return (
    installedVersion(transformersRuntimeDir(modelsDir), TRANSFORMERS_RUNTIME.package) ===
    TRANSFORMERS_RUNTIME.version
  );
}

/** Whether the pinned node-llama-cpp and its binary for this machine are installed. */
export function isRuntimePrepared(modelsDir: string): boolean {
  const dir = runtimeDir(modelsDir);
  const binary = llamaBinaryPackage();
  return (
    binary !== undefined &&
    installedVersion(dir, LLAMA_RUNTIME.package) === LLAMA_RUNTIME.version &&
    installedVersion(dir, binary) === LLAMA_RUNTIME.version
  );
}

/** A catalog name or a GGUF path → the file and the name to serve it as. */
export async function resolveChatModel(
  name: string,
  modelsDir: string,
): Promise<{ path: string; name: string; contextTokens: number | undefined }> {
  const known = findModel(name);
  if (known) {
    if (known.kind !== 'gguf') throw new Error(`${name} is not a chat model`);
    if (!isModelPrepared(modelsDir, known)) {
      throw new Error(`${name} is not prepared in ${modelsDir}: run \`npm run models:prepare -- ${name}\``);
    }
    return { path: modelPath(modelsDir, known), name: known.name, contextTokens: known.contextTokens };
  }
  const path = resolve(name);
  if (!existsSync(path)) throw new Error(`"${name}" is neither a model of the catalog nor a file`);
  await readGgufHeader(path); // refuses what is not a GGUF model
  return {
    path,
    name:
      path
        .split('/')
        .at(-1)
        ?.replace(/\.gguf$/i, '') ?? name,
    contextTokens: undefined,
  };
}
