// Worker-thread bootstrap. Compiled (dist/nn/train/, see src/cli/build-dist.mjs) the worker is
// plain JavaScript next to this file; from the sources it registers tsx first (as src/cli/bin.mjs
// does for the main thread, since module hooks do not carry over into workers).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('./worker.js', import.meta.url);
if (existsSync(fileURLToPath(compiled))) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./worker.ts');
}
