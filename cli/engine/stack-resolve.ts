/**
 * The CLI side of StackReference answers (./stack-references.ts): a job that stopped on references it had no
 * answer for names them and where the program made them; this runs each referenced stack's program offline in
 * the same invocation (found by its project name next to the referencing project), then runs the job again
 * with the outputs. A reference that cannot be resolved stays a failure, its message saying why precisely.
 */
import * as path from "node:path";
import { resolveTarget, UsageError } from "./project";
import type { EngineJob, JobResult } from "./protocol";
import { answerFromRun, findProjectDir, parseReferenceName, type StackOutputs, type UnansweredReference } from "./stack-references";

type Failure = Extract<JobResult, { ok: false }>;
type Runner = (jobs: EngineJob[]) => Promise<JobResult[]>;

/** Referencing chains deeper than this are a cycle or a mistake. */
const MAX_DEPTH = 4;

function rel(root: string, p: string): string {
  return path.relative(root, p) || ".";
}

function unresolved(job: EngineJob, ref: UnansweredReference, why: string): Failure {
  return {
    ok: false,
    kind: "program",
    errorKind: "unanswered-stack-reference",
    message: `StackReference "${ref.name}" cannot be answered offline: ${why}`,
    location: ref.source,
    hint: `pass its outputs with --stack-outputs ${ref.name.includes("/") ? ref.name : `${job.projectName}/${ref.name}`}=FILE (e.g. from pulumi stack output --json --show-secrets), or fix the name`,
    stackReferences: [ref],
  };
}

interface Plan {
  key: string;
  job: EngineJob;
  project: string;
  stack: string;
}

/** The job that runs a referenced stack: the referencing job's settings, the referenced project's program and config, no pack. */
function planFor(base: EngineJob, ref: UnansweredReference, chain: readonly string[]): Plan | Failure {
  const parsed = parseReferenceName(ref.name, base.projectName);
  if (!parsed) return unresolved(base, ref, "the name is not <organization>/<project>/<stack>, <project>/<stack> or <stack>");
  const { project, stack } = parsed;
  const found = findProjectDir(project, base.projectDir);
  if (found.ambiguous) return unresolved(base, ref, `several projects are named ${project}: ${found.ambiguous.map((d) => rel(base.displayRoot, d)).join(", ")}`);
  if (!found.dir) {
    return unresolved(base, ref, `no --stack-outputs entry names it, and no Pulumi project named ${project} is next to ${rel(base.displayRoot, base.projectDir)} (looked in ${found.searched.map((d) => rel(base.displayRoot, d)).join(", ")} and their subdirectories)`);
  }
  const key = `${found.dir}#${stack}`;
  if (chain.includes(key)) return unresolved(base, ref, `the stacks reference each other in a cycle (${[...chain, key].map((k) => k.replace(/^.*[\\/]/, "")).join(" → ")})`);
  let t;
  try {
    t = resolveTarget(found.dir, stack);
  } catch (e) {
    if (e instanceof UsageError) return unresolved(base, ref, `project ${project} (${rel(base.displayRoot, found.dir)}): ${e.message}`);
    throw e;
  }
  if (!t.stackFile) return unresolved(base, ref, `project ${project} (${rel(base.displayRoot, found.dir)}) has no stack file Pulumi.${stack}.yaml`);
  const job: EngineJob = {
    projectName: t.projectName,
    projectDir: t.projectDir,
    programPath: t.programPath,
    stack: t.stack,
    stackFile: t.stackFile,
    config: t.config,
    preview: base.preview,
    ...(base.unknowns ? { unknowns: base.unknowns } : {}),
    displayRoot: base.displayRoot,
    ...(base.invokes ? { invokes: base.invokes } : {}),
    ...(base.stackReferences ? { stackReferences: base.stackReferences } : {}),
  };
  return { key, job, project, stack };
}

/**
 * Runs the jobs; those that stopped on unanswered StackReferences run again once the referenced stacks ran.
 * `chain` holds the stacks already being resolved (cycle detection).
 */
export async function runWithStackReferences(jobs: EngineJob[], run: Runner, chain: readonly string[] = []): Promise<JobResult[]> {
  const current = jobs.slice();
  const results = await run(current);
  /** Failures this function wrote itself: final, never resolved again. */
  const final = new Set<number>();
  const own = (i: number) => `${current[i].projectDir}#${current[i].stack}`;
  for (let round = 0; round < MAX_DEPTH; round++) {
    const plans = new Map<string, Plan>();
    const todo: Array<{ i: number; keys: string[] }> = [];
    results.forEach((r, i) => {
      if (r.ok || final.has(i) || r.errorKind !== "unanswered-stack-reference" || !r.stackReferences?.length) return;
      const keys: string[] = [];
      for (const ref of r.stackReferences) {
        const p = planFor(current[i], ref, [...chain, own(i)]);
        if ("ok" in p) {
          results[i] = p;
          final.add(i);
          return;
        }
        plans.set(p.key, p);
        keys.push(p.key);
      }
      todo.push({ i, keys });
    });
    if (!todo.length) break;
    const planned = [...plans.values()];
    const refResults = await runWithStackReferences(planned.map((p) => p.job), run, [...chain, ...new Set(todo.map(({ i }) => own(i)))]);
    const answers = new Map<string, StackOutputs | Failure>();
    planned.forEach((p, k) => {
      const r = refResults[k];
      answers.set(p.key, r.ok ? answerFromRun(p.project, p.stack, r.run, `the offline run of ${rel(p.job.displayRoot, p.job.projectDir)} (stack ${p.stack})`) : r);
    });
    const rerun: number[] = [];
    for (const { i, keys } of todo) {
      const failed = keys.map((k) => answers.get(k)!).find((a): a is Failure => "ok" in a);
      if (failed) {
        const ref = (results[i] as Failure).stackReferences![0];
        results[i] = { ...failed, message: `the stack StackReference "${ref.name}" names (made at ${ref.source ?? "an unknown line"}) failed offline: ${failed.message}` };
        final.add(i);
        continue;
      }
      current[i] = { ...current[i], stackReferences: [...(current[i].stackReferences ?? []), ...keys.map((k) => answers.get(k) as StackOutputs)] };
      rerun.push(i);
    }
    if (!rerun.length) break;
    const again = await run(rerun.map((i) => current[i]));
    rerun.forEach((i, k) => (results[i] = again[k]));
  }
  return results;
}
