/**
 * `bulkhead fleet up PLATFORM --tenant-stacks DIR`: deploys the platform stack, then every tenant stack, with the
 * Pulumi Automation API (`LocalWorkspace.createOrSelectStack`, `stack.up`) — the Pulumi CLI does the deploying;
 * this only orders the stacks and bounds how many deploy at once. Tenant stacks read the platform's outputs,
 * so nothing is deployed when the platform fails; a tenant stack that fails is reported and the others go on.
 * The stack factory is injected so the ordering is tested without a Pulumi CLI.
 *
 * Under the Pulumi CLI a tenant stack's pack knows nothing of the platform stack, so the platform bastion's group
 * is a group outside the stack to `bastion-only-admin`. With a policy pack, the platform's deployed
 * `bastionSecurityGroupId` output is passed to every tenant stack's update as that rule's
 * `bastionSecurityGroupIds` (a policy-pack config file), as the platform team's declaration.
 */
import type { Command } from "commander";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import * as path from "node:path";
import { DEFAULT_POLICY_PACK, resolveTarget, UsageError } from "../engine";
import { CliError, EXIT } from "../errors";
import { processIo, type CliIo } from "../io";
import { SG_ID_PATTERN } from "../../policies/model/aws-types";
import { bounded, tenantStackTargets } from "./fleet-stacks";
import { emit, positiveInt } from "./target";

/** What the orchestration needs of an Automation API stack (`Stack` from @pulumi/pulumi/automation has it). */
export interface DeployableStack {
  up(opts?: { onOutput?: (out: string) => void; policyPacks?: string[]; policyPackConfigs?: string[] }): Promise<{ summary: { result?: string } }>;
  /** The stack's outputs after its update (read of the platform's `bastionSecurityGroupId`). */
  outputs?(): Promise<Record<string, { value: unknown }>>;
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
  /** Platform only: the bastion's group from its outputs, passed to the tenant stacks' policy config. */
  bastionSecurityGroupId?: string;
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

async function deployOne(spec: StackSpec, factory: StackFactory, o: DeployOptions, policyPackConfigs: string[] = []): Promise<DeployedStack & { stack?: DeployableStack }> {
  const started = performance.now();
  const done = (status: DeployedStack["status"], error?: string): DeployedStack => ({ ...spec, status, ms: Math.round(performance.now() - started), ...(error ? { error } : {}) });
  try {
    const stack = await factory(spec);
    const packs = o.policyPacks?.length ? { policyPacks: o.policyPacks, ...(policyPackConfigs.length ? { policyPackConfigs } : {}) } : {};
    const r = await stack.up({ onOutput: (out) => o.onOutput?.(spec, out), ...packs });
    return r.summary.result === "failed" ? done("failed", "the update's result is failed") : { ...done("succeeded"), stack };
  } catch (e) {
    return done("failed", deployErrorText(e));
  }
}

/**
 * The cause of a failed update, first line first. The Automation API's CommandError message is
 * `code: N\n stdout: …\n stderr: …\n err?: …`: the CLI's own error is in stderr (or `err?` when it never ran).
 */
export function deployErrorText(e: unknown): string {
  const text = (e instanceof Error ? e.message : String(e)).trim();
  if (/spawn pulumi ENOENT|pulumi: (command )?not found/.test(text)) return `the Pulumi CLI is not installed: ${PULUMI_MISSING_HINT}`;
  const section = (name: string) => new RegExp(`^\\s*${name}:([\\s\\S]*?)(?=^\\s*(?:code|stdout|stderr|err\\?):|$(?![\\s\\S]))`, "m").exec(text)?.[1].trim();
  const cause = section("stderr") || section("err\\?") || text;
  const lines = cause.split("\n").map((l) => l.trim()).filter(Boolean);
  // The CLI ends with its diagnostics; the line that says "error:" is the cause.
  const error = lines.findIndex((l) => /^error:/i.test(l));
  return (error >= 0 ? lines.slice(error) : lines.slice(-5)).slice(0, 5).join("\n");
}

const PULUMI_MISSING_HINT = "fleet up deploys through it (install: https://www.pulumi.com/docs/iac/download-install/, then `pulumi login`); `bulkhead fleet check` needs neither";

/** Whether `pulumi` is on PATH, as the Automation API looks for it. */
function pulumiOnPath(env: NodeJS.ProcessEnv): boolean {
  const { existsSync } = require("node:fs") as typeof import("node:fs");
  const exts = process.platform === "win32" ? [".exe", ".cmd", ""] : [""];
  return (env.PATH ?? "").split(path.delimiter).some((d) => d && exts.some((x) => existsSync(path.join(d, `pulumi${x}`))));
}

/** The platform first; when it succeeded, every tenant stack, at most `concurrency` at once. */
export async function deployFleet(platform: Omit<StackSpec, "role">, tenantStacks: Array<Omit<StackSpec, "role">>, factory: StackFactory, o: DeployOptions): Promise<FleetDeployResult> {
  const say = o.onProgress ?? (() => undefined);
  const label = (s: Omit<StackSpec, "role">) => `${path.relative(process.cwd(), s.workDir) || "."} (stack ${s.stackName})`;
  say(`platform ${label(platform)}: deploying`);
  const { stack: platformStack, ...p } = await deployOne({ ...platform, role: "platform" }, factory, o);
  say(`platform ${label(platform)}: ${p.status}${p.error ? `: ${p.error.split("\n")[0]}` : ""}`);
  if (p.status !== "succeeded") {
    return { platform: p, tenantStacks: tenantStacks.map((s) => ({ ...s, role: "tenants", status: "skipped", ms: 0 })) };
  }
  let configDir: string | undefined;
  const policyPackConfigs: string[] = [];
  if (o.policyPacks?.length && platformStack) {
    const bastion = await bastionGroupOf(platformStack);
    if (bastion.id) {
      p.bastionSecurityGroupId = bastion.id;
      configDir = mkdtempSync(path.join(tmpdir(), "bulkhead-fleet-"));
      const file = path.join(configDir, "policy-config.json");
      writeFileSync(file, JSON.stringify({ "bastion-only-admin": { bastionSecurityGroupIds: [bastion.id] } }));
      policyPackConfigs.push(file);
      say(`tenant stacks: bastion-only-admin takes the platform's bastion group ${bastion.id} (bastionSecurityGroupIds)`);
    } else say(`tenant stacks: ${bastion.why}; their admin rules from the platform's bastion group stay unverifiable to bastion-only-admin`);
  }
  let n = 0;
  try {
    const results = await bounded(
      tenantStacks.map((s) => async () => {
        const { stack: _deployed, ...r } = await deployOne({ ...s, role: "tenants" }, factory, o, policyPackConfigs);
        say(`[${++n}/${tenantStacks.length}] ${label(s)}: ${r.status} (${(r.ms / 1000).toFixed(1)} s)${r.error ? `: ${r.error.split("\n")[0]}` : ""}`);
        return r;
      }),
      o.concurrency,
    );
    return { platform: p, tenantStacks: results };
  } finally {
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  }
}

/** The platform's deployed `bastionSecurityGroupId` output, or why there is none to pass. */
async function bastionGroupOf(stack: DeployableStack): Promise<{ id?: string; why: string }> {
  if (!stack.outputs) return { why: "the platform stack's outputs cannot be read" };
  let outputs: Record<string, { value: unknown }>;
  try {
    outputs = await stack.outputs();
  } catch (e) {
    return { why: `the platform stack's outputs cannot be read (${(e instanceof Error ? e.message : String(e)).split("\n")[0]})` };
  }
  const v = outputs.bastionSecurityGroupId?.value;
  if (v === undefined) return { why: "the platform stack has no bastionSecurityGroupId output" };
  if (typeof v !== "string" || !new RegExp(SG_ID_PATTERN).test(v)) return { why: `the platform's bastionSecurityGroupId output ${JSON.stringify(v)} is not a security group id` };
  return { id: v, why: "" };
}

export function deployExit(r: FleetDeployResult): number {
  return [r.platform, ...r.tenantStacks].every((s) => s.status === "succeeded") ? EXIT.ok : EXIT.usage;
}

export function registerFleetUp(fleet: Command, setExit: (code: number) => void, factory: StackFactory = automationStack, io: CliIo = processIo()): void {
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
        if (e instanceof UsageError) throw new CliError(e.kind, e.message, e.source, e.hint);
        throw e;
      }
      if (factory === automationStack && !pulumiOnPath(io.env)) throw new CliError("usage", "the Pulumi CLI is not installed: `pulumi` is not on PATH", null, PULUMI_MISSING_HINT);
      const policyPacks = o.policy === false ? [] : [path.resolve(o.policyPack ?? DEFAULT_POLICY_PACK)];
      const r = await deployFleet(
        { workDir: platform.projectDir, stackName: platform.stack },
        stacks.map((t) => ({ workDir: t.projectDir, stackName: t.stack })),
        factory,
        { concurrency: o.concurrency, policyPacks, onProgress: (l) => io.stderr.write(`bulkhead: ${l}\n`), onOutput: (s, out) => io.stderr.write(`[${s.stackName}] ${out}`) },
      );
      const rows = [r.platform, ...r.tenantStacks].map((s) => `${s.status.padEnd(9)} ${path.relative(process.cwd(), s.workDir) || "."} ${s.stackName}${s.error ? `: ${s.error.split("\n")[0]}` : ""}`);
      emit(o.format === "json" ? JSON.stringify(r, null, 2) + "\n" : rows.join("\n") + "\n", undefined, io);
      setExit(deployExit(r));
    });
}
