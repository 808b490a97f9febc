/**
 * `bulkhead fleet up PLATFORM --tenant-stacks DIR`: deploys the platform stack, then every tenant stack, with the
 * Pulumi Automation API (`LocalWorkspace.createOrSelectStack`, `stack.up`) — the Pulumi CLI does the deploying;
 * this only orders the stacks and bounds how many deploy at once. Tenant stacks read the platform's outputs,
 * so nothing is deployed when the platform fails; a tenant stack that fails is reported and the others go on.
 * The stack factory is injected so the ordering is tested without a Pulumi CLI.
 */
import type { Command } from "commander";
import { availableParallelism } from "node:os";
import * as path from "node:path";
import { DEFAULT_POLICY_PACK, resolveTarget, UsageError } from "../engine";
import { CliError, EXIT } from "../errors";
import { bounded, tenantStackTargets } from "./fleet-stacks";
import { emit, positiveInt } from "./target";

/** What the orchestration needs of an Automation API stack (`Stack` from @pulumi/pulumi/automation has it). */
export interface DeployableStack {
  up(opts?: { onOutput?: (out: string) => void; policyPacks?: string[] }): Promise<{ summary: { result?: string } }>;
}

export interface StackSpec {
  workDir: string;
  stackName: string;
  role: "platform" | "tenants";
}

export type StackFactory = (spec: StackSpec) => Promise<DeployableStack>;

/** The Automation API: the project in workDir, its stack created when it does not exist yet. */
export const automationStack: StackFactory = async ({ workDir, stackName }) => {
  const { LocalWorkspace } = require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  return LocalWorkspace.createOrSelectStack({ workDir, stackName });
};

export interface DeployedStack {
  workDir: string;
  stackName: string;
  role: StackSpec["role"];
  status: "succeeded" | "failed" | "skipped";
  ms: number;
  error?: string;
}

export interface FleetDeployResult {
  platform: DeployedStack;
  tenantStacks: DeployedStack[];
}

export interface DeployOptions {
  concurrency: number;
  policyPacks?: string[];
  onProgress?: (line: string) => void;
  /** Each stack's engine output (the Pulumi CLI's), line by line. */
  onOutput?: (stack: StackSpec, out: string) => void;
}

async function deployOne(spec: StackSpec, factory: StackFactory, o: DeployOptions): Promise<DeployedStack> {
  const started = performance.now();
  const done = (status: DeployedStack["status"], error?: string): DeployedStack => ({ ...spec, status, ms: Math.round(performance.now() - started), ...(error ? { error } : {}) });
  try {
    const stack = await factory(spec);
    const r = await stack.up({ onOutput: (out) => o.onOutput?.(spec, out), ...(o.policyPacks?.length ? { policyPacks: o.policyPacks } : {}) });
    return r.summary.result === "failed" ? done("failed", "the update's result is failed") : done("succeeded");
  } catch (e) {
    return done("failed", (e instanceof Error ? e.message : String(e)).trim().split("\n").slice(-5).join("\n"));
  }
}

/** The platform first; when it succeeded, every tenant stack, at most `concurrency` at once. */
export async function deployFleet(platform: Omit<StackSpec, "role">, tenantStacks: Array<Omit<StackSpec, "role">>, factory: StackFactory, o: DeployOptions): Promise<FleetDeployResult> {
  const say = o.onProgress ?? (() => undefined);
  const label = (s: Omit<StackSpec, "role">) => `${path.basename(s.workDir)}/${s.stackName}`;
  say(`platform ${label(platform)}: deploying`);
  const p = await deployOne({ ...platform, role: "platform" }, factory, o);
  say(`platform ${label(platform)}: ${p.status}${p.error ? `: ${p.error.split("\n")[0]}` : ""}`);
  if (p.status !== "succeeded") {
    return { platform: p, tenantStacks: tenantStacks.map((s) => ({ ...s, role: "tenants", status: "skipped", ms: 0 })) };
  }
  let n = 0;
  const results = await bounded(
    tenantStacks.map((s) => async () => {
      const r = await deployOne({ ...s, role: "tenants" }, factory, o);
      say(`[${++n}/${tenantStacks.length}] ${label(s)}: ${r.status} (${(r.ms / 1000).toFixed(1)} s)${r.error ? `: ${r.error.split("\n")[0]}` : ""}`);
      return r;
    }),
    o.concurrency,
  );
  return { platform: p, tenantStacks: results };
}

export function deployExit(r: FleetDeployResult): number {
  return [r.platform, ...r.tenantStacks].every((s) => s.status === "succeeded") ? EXIT.ok : EXIT.usage;
}

export function registerFleetUp(fleet: Command, setExit: (code: number) => void, factory: StackFactory = automationStack): void {
  fleet
    .command("up")
    .description("deploy the platform stack, then every tenant stack (bounded concurrency), with the Pulumi Automation API")
    .argument("<platform>", "the platform's Pulumi project directory")
    .option("-s, --stack <name>", "the platform stack (default: the first stack file, else dev)")
    .requiredOption("--tenant-stacks <dir>", "a tenant-stack project directory (every Pulumi.<stack>.yaml in it), or a directory of such projects")
    .option("--concurrency <n>", "tenant stacks deployed at once", positiveInt("--concurrency"), Math.max(1, Math.min(4, availableParallelism())))
    .option("--policy-pack <dir>", "policy pack the Pulumi CLI enforces on every update (default: this repository's policies/)")
    .option("--no-policy", "deploy without a policy pack")
    .option("-f, --format <format>", "text or json", "text")
    .action(async (platformDir: string, o) => {
      let platform, stacks;
      try {
        platform = resolveTarget(platformDir, o.stack);
        stacks = tenantStackTargets(o.tenantStacks);
      } catch (e) {
        if (e instanceof UsageError) throw new CliError("project", e.message);
        throw e;
      }
      const policyPacks = o.policy === false ? [] : [path.resolve(o.policyPack ?? DEFAULT_POLICY_PACK)];
      const r = await deployFleet(
        { workDir: platform.projectDir, stackName: platform.stack },
        stacks.map((t) => ({ workDir: t.projectDir, stackName: t.stack })),
        factory,
        { concurrency: o.concurrency, policyPacks, onProgress: (l) => process.stderr.write(`bulkhead: ${l}\n`), onOutput: (s, out) => process.stderr.write(`[${s.stackName}] ${out}`) },
      );
      const rows = [r.platform, ...r.tenantStacks].map((s) => `${s.status.padEnd(9)} ${path.relative(process.cwd(), s.workDir) || "."} ${s.stackName}${s.error ? `: ${s.error.split("\n")[0]}` : ""}`);
      emit(o.format === "json" ? JSON.stringify(r, null, 2) + "\n" : rows.join("\n") + "\n");
      setExit(deployExit(r));
    });
}
