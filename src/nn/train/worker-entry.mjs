// Worker-thread bootstrap: registers tsx (as src/cli/bin.mjs does for the main thread, since module
// hooks do not carry over into workers) and loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
