/**
 * Where bulkhead's own files are, whether the CLI runs from its TypeScript sources (cli/…) or from the
 * bundle `npm run build` writes (dist/cli/…): the two sit at different depths below the repository.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === "bulkhead") return dir;
    if (path.dirname(dir) === dir) throw new Error(`bulkhead: cannot find bulkhead's package.json above ${from}`);
  }
}

export const REPO_ROOT = findRoot(__dirname);
export const VERSION: string = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).version;
