/**
 * Builds the preview's browser bundles with esbuild: one host bundle (the renderer: Atlaskit, recharts, the
 * bridge) and one app bundle per surface entry (the UI Kit app with `@forge/react`'s reconciler), kept apart
 * as Forge keeps the product page and the app iframe apart. Bundles are cached on disk and rebuilt only when
 * the content of one of their input files changes.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build, version as esbuildVersion, type BuildOptions, type Metafile } from 'esbuild';
import type { SurfaceKind } from './routes';

const PREVIEW_DIR = __dirname;
const PROJECT_ROOT = path.resolve(PREVIEW_DIR, '../..');
const HOST_ENTRY = path.join(PREVIEW_DIR, 'host', 'main.tsx');

/** The UI Kit entry of each surface (the `resource` of its module in manifest.yml). */
export const SURFACE_ENTRIES: Readonly<Record<SurfaceKind, string>> = {
  'repo-page': path.join(PROJECT_ROOT, 'src/ui/repo-page-entry.tsx'),
  'pr-panel': path.join(PROJECT_ROOT, 'src/ui/pr-panel-entry.tsx'),
  'admin-page': path.join(PROJECT_ROOT, 'src/ui/admin-page-entry.tsx'),
};

export const DEFAULT_BUNDLE_CACHE_DIR = path.join(
  PROJECT_ROOT,
  'node_modules',
  '.cache',
  'pipeline-insights-preview',
);

export interface PreviewBundles {
  /** Files served under `/assets/`, by file name. */
  assets: ReadonlyMap<string, string>;
  /** What each surface's page loads, in order: the host first, then the app. */
  pages: Readonly<Record<SurfaceKind, { scripts: readonly string[]; styles: readonly string[] }>>;
}

export interface BundleOptions {
  /** Entry file per surface; defaults to SURFACE_ENTRIES. */
  entries?: Partial<Record<SurfaceKind, string>>;
  /** Where built bundles are kept between runs; defaults to DEFAULT_BUNDLE_CACHE_DIR. */
  cacheDir?: string;
}

interface BundleTarget {
  name: string;
  entry: string;
}

interface BuiltBundle {
  /** Output file name → contents. */
  files: Record<string, string>;
}

interface CacheRecord {
  key: string;
  inputs: Record<string, string>;
  files: Record<string, string>;
}

const SURFACES: readonly SurfaceKind[] = ['repo-page', 'pr-panel', 'admin-page'];

export async function buildPreviewBundles(options: BundleOptions = {}): Promise<PreviewBundles> {
  const cacheDir = options.cacheDir ?? DEFAULT_BUNDLE_CACHE_DIR;
  const entries = { ...SURFACE_ENTRIES, ...options.entries };
  const appTargets = new Map<string, BundleTarget>();
  for (const surface of SURFACES) {
    const entry = path.resolve(entries[surface]);
    if (!existsSync(entry)) throw new Error(`The UI entry of the ${surface} surface is missing: ${entry}`);
    // Surfaces that share an entry share a bundle.
    if (!appTargets.has(entry)) appTargets.set(entry, { name: `app-${shortHash(entry)}`, entry });
  }
  const host: BundleTarget = { name: 'host', entry: HOST_ENTRY };
  const targets = [host, ...appTargets.values()];
  await mkdir(cacheDir, { recursive: true });
  const built = await Promise.all(targets.map((target) => cachedBundle(target, cacheDir)));
  const assets = new Map<string, string>();
  built.forEach((bundle) => Object.entries(bundle.files).forEach(([name, text]) => assets.set(name, text)));
  const filesOf = (target: BundleTarget) => built[targets.indexOf(target)]?.files ?? {};
  const page = (surface: SurfaceKind) => {
    const app = appTargets.get(path.resolve(entries[surface]));
    const names = [...Object.keys(filesOf(host)), ...(app ? Object.keys(filesOf(app)) : [])];
    return {
      scripts: names.filter((n) => n.endsWith('.js')),
      styles: names.filter((n) => n.endsWith('.css')),
    };
  };
  return {
    assets,
    pages: { 'repo-page': page('repo-page'), 'pr-panel': page('pr-panel'), 'admin-page': page('admin-page') },
  };
}

async function cachedBundle(target: BundleTarget, cacheDir: string): Promise<BuiltBundle> {
  const recordPath = path.join(cacheDir, `${target.name}.json`);
  const key = cacheKey(target);
  const cached = await readCacheRecord(recordPath);
  if (cached && cached.key === key && (await inputsUnchanged(cached.inputs))) return { files: cached.files };
  const { files, metafile } = await bundle(target);
  const record: CacheRecord = { key, inputs: await hashInputs(Object.keys(metafile.inputs)), files };
  await writeFile(recordPath, JSON.stringify(record));
  return { files };
}

function esbuildOptions(target: BundleTarget): BuildOptions {
  return {
    entryPoints: { [target.name]: target.entry },
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    outdir: path.join(PROJECT_ROOT, '.preview-out'),
    write: false,
    metafile: true,
    minify: true,
    legalComments: 'none',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    loader: {
      '.svg': 'dataurl',
      '.png': 'dataurl',
      '.gif': 'dataurl',
      '.woff': 'dataurl',
      '.woff2': 'dataurl',
    },
    logLevel: 'silent',
  };
}

async function bundle(target: BundleTarget): Promise<{ files: Record<string, string>; metafile: Metafile }> {
  const result = await build(esbuildOptions(target));
  const files: Record<string, string> = {};
  for (const file of result.outputFiles ?? []) files[path.basename(file.path)] = file.text;
  if (!result.metafile) throw new Error(`esbuild gave no metafile for ${target.entry}`);
  return { files, metafile: result.metafile };
}

/** Anything that changes the output without changing an input file: the tool, the options, the entry. */
function cacheKey(target: BundleTarget): string {
  const { entryPoints: _entries, ...rest } = esbuildOptions(target);
  return shortHash(JSON.stringify({ esbuildVersion, entry: target.entry, rest }));
}

async function readCacheRecord(file: string): Promise<CacheRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(file, 'utf8')) as Partial<CacheRecord>;
    return typeof record.key === 'string' && record.inputs && record.files
      ? (record as CacheRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

async function hashInputs(inputs: string[]): Promise<Record<string, string>> {
  const hashes = await Promise.all(inputs.map((input) => hashFile(path.resolve(PROJECT_ROOT, input))));
  return Object.fromEntries(inputs.map((input, i) => [input, hashes[i] ?? '']));
}

async function inputsUnchanged(inputs: Record<string, string>): Promise<boolean> {
  const current = await hashInputs(Object.keys(inputs));
  return Object.entries(inputs).every(([input, hash]) => current[input] === hash);
}

async function hashFile(file: string): Promise<string> {
  try {
    return createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  } catch {
    return 'missing';
  }
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
