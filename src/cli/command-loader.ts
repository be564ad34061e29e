/**
 * Loads only the command a start needs. Every command module pulls in its part of the simulator,
 * trainer or report renderers when imported, and importing them all costs more than the rest of a
 * short start (`mcusim --help`, `mcusim boards`). So src/cli/index.ts lists each command as a
 * loader plus its export name, and a start imports:
 *   - the named command only, when the first word of the command line names one;
 *   - nothing, for the top-level help/version, when the command names and descriptions are known
 *     from mcusim-dist/cli/commands.json (written by src/cli/build-dist.mjs from the same list);
 *   - every command otherwise (an unknown word, options before the command, running from sources).
 * Commands not loaded are registered with their name and description only, so the top-level help
 * and yargs' "did you mean" suggestions still list them.
 */
import { readFileSync } from 'node:fs';
import type { Command } from './command.js';

/** A command module's loader and the name of its Command export. */
export type CommandModule = readonly [load: () => Promise<unknown>, exportName: string];

/** What the top-level help shows of a command (mcusim-dist/cli/commands.json holds one per CommandModule). */
export interface CommandSummary {
  command: string | string[];
  describe: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = Command<any>;

export async function loadCommand([load, exportName]: CommandModule): Promise<AnyCommand> {
  const c = ((await load()) as Record<string, AnyCommand | undefined>)[exportName];
  if (!c) throw new Error(`command module has no export ${exportName}`);
  return c;
}

const commandNames = (c: CommandSummary): string[] => (Array.isArray(c.command) ? c.command : [c.command]).map((f) => f.split(' ')[0]!);

function readSummaries(manifest: URL, count: number): CommandSummary[] | undefined {
  try {
    const s = JSON.parse(readFileSync(manifest, 'utf8')) as CommandSummary[];
    return Array.isArray(s) && s.length === count ? s : undefined;
  } catch {
    return undefined; // running from the sources, or the compiled tree being rebuilt: load everything
  }
}

/** The commands to register for `argv`: loaded ones, and name-only stand-ins for the rest. */
export async function commandsFor(argv: string[], modules: readonly CommandModule[], manifest: URL): Promise<AnyCommand[]> {
  const summaries = readSummaries(manifest, modules.length);
  const word = argv.find((a) => !a.startsWith('-'));
  const wanted = summaries?.findIndex((s) => word !== undefined && commandNames(s).includes(word)) ?? -1;
  if (summaries === undefined || (word !== undefined && wanted < 0)) return Promise.all(modules.map(loadCommand));
  return Promise.all(
    modules.map((m, k) => (k === wanted ? loadCommand(m) : Promise.resolve(standIn(summaries[k]!)))),
  );
}

/** A command that is listed but not loaded (never run: yargs runs only the command named). */
function standIn(s: CommandSummary): AnyCommand {
  return {
    command: s.command,
    describe: s.describe,
    builder: (y) => y,
    handler: () => Promise.reject(new Error(`command ${commandNames(s)[0]} was not loaded`)),
  };
}
