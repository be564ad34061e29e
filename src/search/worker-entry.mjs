// The search's worker-thread entry: its compiled worker, or the source through tsx.
import { startWorkerModule } from '../common/worker-bootstrap.mjs';

await startWorkerModule(new URL('./worker.js', import.meta.url));
