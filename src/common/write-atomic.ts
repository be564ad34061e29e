/**
 * Writes a file so that readers never see half of it: write a temporary file beside the target, then
 * rename it over the target (rename is atomic within one file system). Reports, datasets, weights
 * and checkpoints all go through here. The temporary file is removed if anything fails.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
