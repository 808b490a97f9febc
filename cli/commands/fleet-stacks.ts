/** The stacks of a fleet and the one concurrency bound, shared by `fleet check` (./fleet.ts) and `fleet up` (./fleet-deploy.ts). */
import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { UsageError } from "../engine";
import { resolveTarget, type Target } from "../engine/project";

/** Every stack of the tenant-stack project(s) under DIR: DIR itself when it is a project, else its project subdirectories. */
export function tenantStackTargets(dir: string): Target[] {
  const abs = path.resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new UsageError(`--tenant-stacks ${dir} is not a directory`);
  const projects = existsSync(path.join(abs, "Pulumi.yaml")) || existsSync(path.join(abs, "Pulumi.yml"))
    ? [abs]
    : readdirSync(abs).map((e) => path.join(abs, e)).filter((d) => statSync(d).isDirectory() && (existsSync(path.join(d, "Pulumi.yaml")) || existsSync(path.join(d, "Pulumi.yml")))).sort();
  const out: Target[] = [];
  for (const p of projects) {
    const first = resolveTarget(p);
    const stackDir = path.dirname(first.stackFile ?? path.join(p, "x"));
    const names = readdirSync(stackDir).map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1]).filter((s): s is string => !!s).sort();
    for (const s of names) out.push(resolveTarget(p, s));
  }
  if (!out.length) throw new UsageError(`--tenant-stacks ${dir} has no stack files (Pulumi.<stack>.yaml of a Pulumi project)`);
  return out;
}

/** At most `limit` of `tasks` running at once, results in order. */
export async function bounded<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  return out;
}

