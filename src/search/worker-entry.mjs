// Search worker bootstrap: the compiled worker (dist/search/worker.js) when there is one, else the
// TypeScript source through tsx (module hooks do not carry over into workers; the trainer's
// src/nn/train/worker-entry.mjs does the same for its own worker).
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
