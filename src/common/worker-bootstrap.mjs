// Starts a worker thread's module: the compiled JavaScript beside the entry file when the CLI runs
// from its compiled tree (src/cli/build-dist.mjs), else the TypeScript source through tsx, registered here
// because module hooks of the main thread do not carry over into workers.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `compiledUrl`: the worker's .js URL next to the entry; the .ts source is tried when it is absent. */
export async function startWorkerModule(compiledUrl) {
  if (existsSync(fileURLToPath(compiledUrl))) return import(compiledUrl.href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(compiledUrl.href.replace(/\.js$/, '.ts'));
}
