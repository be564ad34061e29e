#!/usr/bin/env node
// The `mcusim` executable: registers tsx so the TypeScript sources run directly (no build step,
// no dist/ folder outside the fixed layout), then hands over to the yargs entry point.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./index.ts');
process.exitCode = await main(process.argv.slice(2));
