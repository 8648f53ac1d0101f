// The TypeScript projects the benchmark builds under bench/.work: the small package whose
// method the call, exit and flood rows run, and the large generated one the build rows time.
// Each has a tsconfig.json with the plugin, a tsconfig.noplugin.json (tspc, no plugins) and a
// tsconfig.tsc.json (plain tsc), each writing its own output folder.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { TSC, TSPC, childEnv, expectSuccess, runNode, workRoot, writeFiles } from "./work.mjs";

const BUILD_TIMEOUT_MS = 180_000;

const COMPILER_OPTIONS = {
  target: "es2022",
  lib: ["es2022"],
  module: "commonjs",
  moduleResolution: "node10",
  strict: true,
  declaration: true,
  sourceMap: true,
  skipLibCheck: true,
  types: [],
  rootDir: "src",
};

/** The three builds a project can be compiled with, and the folder each writes. */
export const BUILDS = {
  plugin: { tsconfig: "tsconfig.json", outDir: "out", compiler: TSPC },
  noPlugin: { tsconfig: "tsconfig.noplugin.json", outDir: "out-noplugin", compiler: TSPC },
  tsc: { tsconfig: "tsconfig.tsc.json", outDir: "out-tsc", compiler: TSC },
};

function writeProject(dir, { name, config, sources }) {
  const plugin = { transform: "access-ts-telemetry/transformer", config: "./config.yaml" };
  const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
  const tsconfig = (outDir, plugins) =>
    json({ compilerOptions: { ...COMPILER_OPTIONS, outDir, plugins }, include: ["src"] });
  writeFiles(dir, {
    "package.json": json({ name, version: "1.0.0", private: true }),
    "config.yaml": config,
    [BUILDS.plugin.tsconfig]: tsconfig(BUILDS.plugin.outDir, [plugin]),
    [BUILDS.noPlugin.tsconfig]: tsconfig(BUILDS.noPlugin.outDir, []),
    [BUILDS.tsc.tsconfig]: tsconfig(BUILDS.tsc.outDir, []),
    ...sources,
  });
}

/** Builds `dir` with one of BUILDS into a fresh output folder; resolves with the run. */
export async function build(dir, kind) {
  const { tsconfig, outDir, compiler } = BUILDS[kind];
  rmSync(join(dir, outDir), { recursive: true, force: true });
  const result = await runNode([compiler, "-p", tsconfig], {
    cwd: dir,
    env: childEnv(),
    timeoutMs: BUILD_TIMEOUT_MS,
  });
  return expectSuccess(result, `${kind} build of ${dir}`);
}

/**
 * The package of the call, exit and flood rows: `Codec.encode(text)` (the small string
 * argument) and `Codec.describe(settings)` (the 1 KB object), bodies as cheap as a method
 * gets, so the rows show what tracking adds and little else.
 */
export function writeCallProject() {
  const dir = join(workRoot, "calls");
  writeProject(dir, {
    name: "benchcalls",
    config: "benchcalls:\n  codec:\n    - Codec.encode\n    - Codec.describe\n",
    sources: {
      "src/codec.ts": `export interface Settings {
  readonly experiment: string;
  readonly [key: string]: unknown;
}

export class Codec {
  encode(text: string): number {
    return text.length;
  }

  describe(settings: Settings): number {
    return settings.experiment.length;
  }
}
`,
    },
  });
  return dir;
}

export const GENERATED = { groups: 10, filesPerGroup: 50, methodsPerClass: 10 };

// The method shapes the generated classes cycle through: plain, defaults, rest, destructured,
// async, generator, static, optional, a union and a callback parameter.
const METHOD_SHAPES = [
  (m, i) => `  ${m}(options: Options${i}): number {
    this.values.push(options.scale);
    return this.values.length * options.scale;
  }`,
  (m) => `  ${m}(label: string, count = 1): string {
    return label.repeat(count) + this.name;
  }`,
  (m) => `  ${m}(first: number, ...rest: number[]): number {
    return rest.reduce((sum, value) => sum + value, first);
  }`,
  (m, i) => `  ${m}({ scale, label }: Options${i}): string {
    return \`\${label}:\${scale}\`;
  }`,
  (m) => `  async ${m}(pending: Promise<number>): Promise<number> {
    const value = await pending;
    return value + this.values.length;
  }`,
  (m) => `  *${m}(limit: number): Generator<number> {
    for (let index = 0; index < limit; index += 1) yield index;
  }`,
  (m, i) => `  static ${m}(name: string): Model${i} {
    return new Model${i}(name);
  }`,
  (m) => `  ${m}(value?: number): number {
    return value ?? this.values.length;
  }`,
  (m) => `  ${m}(input: string | number | readonly string[]): string {
    if (typeof input === "string") return input;
    if (typeof input === "number") return input.toFixed(2);
    return input.join(",");
  }`,
  (m) => `  ${m}(visit: (value: number, index: number) => boolean): number[] {
    return this.values.filter(visit);
  }`,
];

function generatedFile(group, index) {
  const id = group * GENERATED.filesPerGroup + index;
  const previous = index === 0 ? undefined : id - 1;
  const methods = [];
  for (let m = 0; m < GENERATED.methodsPerClass; m += 1) {
    methods.push(METHOD_SHAPES[m % METHOD_SHAPES.length](`m${m}`, id));
  }
  const link =
    previous === undefined
      ? ""
      : `import type { Options${previous} } from "./model-${previous}.js";\n\n`;
  const extra = previous === undefined ? "" : `\n  readonly previous?: Options${previous};`;
  return `${link}export interface Options${id} {
  readonly scale: number;
  readonly label: string;${extra}
}

export class Model${id} {
  private readonly values: number[] = [];

  constructor(private readonly name: string) {}

${methods.join("\n\n")}
}
`;
}

/**
 * A project of GENERATED.groups x filesPerGroup files, one class of methodsPerClass methods
 * each; config.yaml lists one method per class (a tenth of all methods), one service per
 * group, cycling through the method shapes.
 */
export function writeBuildProject() {
  const dir = join(workRoot, "build");
  const sources = {};
  const config = ["benchbuild:"];
  let methodCount = 0;
  let listed = 0;
  for (let group = 0; group < GENERATED.groups; group += 1) {
    config.push(`  group${group}:`);
    for (let index = 0; index < GENERATED.filesPerGroup; index += 1) {
      const id = group * GENERATED.filesPerGroup + index;
      sources[`src/group-${group}/model-${id}.ts`] = generatedFile(group, index);
      methodCount += GENERATED.methodsPerClass;
      config.push(`    - Model${id}.m${id % GENERATED.methodsPerClass}`);
      listed += 1;
    }
  }
  writeProject(dir, { name: "benchbuild", config: `${config.join("\n")}\n`, sources });
  return { dir, files: Object.keys(sources).length, methods: methodCount, listed };
}
