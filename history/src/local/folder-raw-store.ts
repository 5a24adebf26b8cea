/** The raw store on a local folder (the local stand-in for S3): one file per raw key. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RawBatchStore } from '../services/receive';

export function folderRawStore(dir: string): RawBatchStore {
  const file = (key: string): string => {
    const resolved = path.resolve(dir, key);
    if (!resolved.startsWith(path.resolve(dir) + path.sep))
      throw new Error(`raw key ${key.slice(0, 100)} leaves the folder`);
    return resolved;
  };
  return {
    put: async (key, body) => {
      mkdirSync(path.dirname(file(key)), { recursive: true });
      writeFileSync(file(key), body);
    },
    get: async (key) => readFileSync(file(key), 'utf8'),
  };
}
