/**
 * Where a firmware's semihosting path leads on the host, decided on real paths: every symbolic link
 * on the way is followed as the kernel would follow it (POSIX.1-2017 §4.13 "Pathname Resolution":
 * `..` goes up from the directory a link led to, not from the link's own text), so a link inside the
 * confinement root that points outside it is seen for what it is. A name whose tail does not exist yet
 * (a file about to be created) is judged by its nearest existing ancestor. Written by hand because
 * fs.realpath needs the whole path to exist and path.resolve never looks at the disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Links followed before giving up, like the kernel's ELOOP limit (Linux: 40). */
const MAX_LINKS = 40;

/**
 * The host path `name` (relative to `root`) resolves to, with symlinks followed (the last component
 * too unless `followLast` is false: REMOVE and RENAME act on a link itself), or undefined when it
 * cannot be resolved without guessing (a link loop, `..` below a directory that does not exist).
 */
export function hostRealPath(root: string, name: string, followLast = true): string | undefined {
  const start = path.isAbsolute(name) ? path.parse(path.resolve(name)).root : fs.realpathSync(root);
  return walk(start, name, followLast, { links: 0 });
}

function walk(start: string, name: string, followLast: boolean, budget: { links: number }): string | undefined {
  const parts = name.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  let current = start;
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!;
    if (part === '..') {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, part);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(next);
    } catch {
      // Not there (yet): the rest is created or fails with ENOENT; `..` after it cannot be judged.
      const rest = parts.slice(k + 1);
      return rest.includes('..') ? undefined : path.join(next, ...rest);
    }
    const last = k === parts.length - 1;
    if (stat.isSymbolicLink() && (followLast || !last)) {
      if (++budget.links > MAX_LINKS) return undefined;
      const target = fs.readlinkSync(next);
      const resolved = walk(path.isAbsolute(target) ? path.parse(target).root : current, target, true, budget);
      if (resolved === undefined) return undefined;
      current = resolved;
    } else {
      current = next;
    }
  }
  return current;
}

/** Whether `candidate` (a real path) is `root` itself or inside it; `..notes` in root is inside. */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
