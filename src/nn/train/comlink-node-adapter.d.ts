// comlink ships this adapter's types as node-adapter.d.ts, which TypeScript does not pair with the
// .mjs file under NodeNext resolution; this re-states the one export we use.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  import type { MessagePort, Worker } from 'node:worker_threads';
  export default function nodeEndpoint(nep: MessagePort | Worker): Endpoint;
}
