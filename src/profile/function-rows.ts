/**
 * The flat per-function table from the call tree: self cycles are the sum over a function's nodes;
 * inclusive cycles add each node's subtree once, skipping nodes that have the same function above
 * them (recursion is not counted twice). Rows are sorted by self cycles.
 */
import type { FunctionsReport, FunctionRow } from '../report/schema.js';
import { PROFILE_STALL_CAUSES, type FunctionProfileData } from './function-profiler.js';

export function functionsReport(d: FunctionProfileData): FunctionsReport {
  const n = d.nodes.length;
  const subtree = d.nodes.map((x) => x.cycles);
  for (let k = n - 1; k > 0; k--) {
    const p = d.nodes[k]!.parent;
    if (p >= 0) subtree[p]! += subtree[k]!; // children are created after their parents
  }
  const rows = new Map<number, FunctionRow>();
  const rowOf = (fn: number): FunctionRow => {
    let row = rows.get(fn);
    if (!row) {
      const f = d.functions[fn]!;
      row = {
        name: f.name, address: f.address, calls: 0, selfCycles: 0, totalCycles: 0, selfInstructions: 0,
        stallCycles: Object.fromEntries(PROFILE_STALL_CAUSES.map((c) => [c, 0])) as FunctionRow['stallCycles'],
      };
      rows.set(fn, row);
    }
    return row;
  };
  for (let k = 1; k < n; k++) {
    const node = d.nodes[k]!;
    const row = rowOf(node.fn);
    row.calls += node.calls;
    row.selfCycles += node.cycles;
    row.selfInstructions += node.instructions;
    for (const c of PROFILE_STALL_CAUSES) row.stallCycles[c] += node.stallCycles[c];
    let recursive = false;
    for (let p = node.parent; p > 0; p = d.nodes[p]!.parent) {
      if (d.nodes[p]!.fn === node.fn) { recursive = true; break; }
    }
    if (!recursive) row.totalCycles += subtree[k]!;
  }
  return {
    totalCycles: d.totalCycles,
    totalInstructions: d.totalInstructions,
    rows: [...rows.values()].filter((r) => r.totalCycles > 0 || r.calls > 0).sort((a, b) => b.selfCycles - a.selfCycles || a.name.localeCompare(b.name)),
    tree: {
      names: d.functions.map((f) => f.name),
      nodes: d.nodes.map((x) => ({ fn: x.fn, parent: x.parent, calls: x.calls, cycles: x.cycles, instructions: x.instructions })),
    },
  };
}
