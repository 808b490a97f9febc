/**
 * `bulkhead fleet up`: the Automation API deploys the platform stack first, then the tenant stacks with bounded
 * concurrency. The Pulumi CLI is not installed here, so the stacks come from an injected factory that records
 * what the Automation API would have been asked to do.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { describe, expect, it, vi } from "vitest";
import { deployErrorText, deployExit, deployFleet, registerFleetUp, type DeployableStack, type StackFactory, type StackSpec } from "../../cli/commands/fleet-deploy";

const repo = path.resolve(__dirname, "..", "..");

/** A factory whose stacks take `ms` to deploy and fail when `fails` says so; it logs starts and ends. */
function fakeStacks(opts: { ms?: (s: StackSpec) => number; fails?: (s: StackSpec) => boolean; outputs?: Record<string, unknown> } = {}) {
  const log: string[] = [];
  let running = 0, maxRunning = 0;
  /** `policyConfigs`: the content of each policy-pack config file, read while the update runs. */
  const calls: Array<{ spec: StackSpec; policyPacks?: string[]; policyPackConfigs?: string[]; policyConfigs?: unknown[] }> = [];
  const factory: StackFactory = async (spec) => {
    const stack: DeployableStack = {
      async outputs() {
        return Object.fromEntries(Object.entries(opts.outputs ?? {}).map(([k, value]) => [k, { value }]));
      },
      async up(o) {
        calls.push({ spec, policyPacks: o?.policyPacks, policyPackConfigs: o?.policyPackConfigs, policyConfigs: o?.policyPackConfigs?.map((f) => JSON.parse(readFileSync(f, "utf8"))) });
        running++;
        maxRunning = Math.max(maxRunning, running);
        log.push(`start ${spec.stackName}`);
        o?.onOutput?.(`Updating (${spec.stackName})\n`);
        await new Promise((r) => setTimeout(r, opts.ms?.(spec) ?? 5));
        running--;
        log.push(`end ${spec.stackName}`);
        if (opts.fails?.(spec)) throw new Error(`stderr: error: update failed\n  aws:rds:Instance ${spec.stackName}-db: InvalidParameterCombination`);
        return { summary: { result: "succeeded" } };
      },
    };
    return stack;
  };
  return { factory, log, calls, max: () => maxRunning };
}

const platform = { workDir: "/p", stackName: "prod" };
const tenants = Array.from({ length: 12 }, (_, i) => ({ workDir: "/t", stackName: `group-${i}` }));

describe("deploying the fleet with the Automation API", () => {
  it("deploys the platform first, then at most --concurrency tenant stacks at a time, every one of them", async () => {
    const f = fakeStacks({ ms: (s) => (s.role === "platform" ? 20 : 5 + (Number(s.stackName.split("-")[1]) % 3) * 5) });
    const r = await deployFleet(platform, tenants, f.factory, { concurrency: 3 });
    expect(f.log.slice(0, 2)).toEqual(["start prod", "end prod"]);
    expect(f.max()).toBe(3);
    expect(r.tenantStacks.map((s) => [s.stackName, s.status])).toEqual(tenants.map((t) => [t.stackName, "succeeded"]));
    expect(deployExit(r)).toBe(0);
  });

  it("reports a failed tenant stack by name with its error and deploys the others", async () => {
    const f = fakeStacks({ fails: (s) => s.stackName === "group-4" });
    const r = await deployFleet(platform, tenants, f.factory, { concurrency: 2 });
    const failed = r.tenantStacks.filter((s) => s.status !== "succeeded");
    expect(failed.map((s) => [s.stackName, s.status])).toEqual([["group-4", "failed"]]);
    expect(failed[0].error).toContain("aws:rds:Instance group-4-db: InvalidParameterCombination");
    expect(f.calls.filter((c) => c.spec.role === "tenants")).toHaveLength(12);
    expect(deployExit(r)).toBe(2);
  });

  it("deploys no tenant stack when the platform fails (they would read outputs that do not exist)", async () => {
    const f = fakeStacks({ fails: (s) => s.role === "platform" });
    const r = await deployFleet(platform, tenants, f.factory, { concurrency: 4 });
    expect(r.platform.status).toBe("failed");
    expect(f.calls.map((c) => c.spec.stackName)).toEqual(["prod"]);
    expect(r.tenantStacks.every((s) => s.status === "skipped")).toBe(true);
    expect(deployExit(r)).toBe(2);
  });

  it("a factory that cannot even create the stack (no Pulumi CLI) fails that stack, not the command", async () => {
    const factory: StackFactory = async (s) => {
      if (s.role === "tenants" && s.stackName === "group-1") throw new Error("Could not find the pulumi CLI");
      return { up: async () => ({ summary: { result: "succeeded" } }) };
    };
    const r = await deployFleet(platform, tenants.slice(0, 3), factory, { concurrency: 2 });
    expect(r.tenantStacks.map((s) => s.status)).toEqual(["succeeded", "failed", "succeeded"]);
    expect(r.tenantStacks[1].error).toBe("Could not find the pulumi CLI");
  });

  it("names the cause of a failed update first: the Pulumi CLI's error line from the Automation API's CommandError, or a missing CLI", () => {
    // The Automation API's CommandError without a CLI on PATH: its first line was " stdout: " before.
    expect(deployErrorText(new Error("code: -2\n stdout: \n stderr: \n err?: Error: spawn pulumi ENOENT\n"))).toMatch(/^the Pulumi CLI is not installed: fleet up deploys through it .*pulumi login.*bulkhead fleet check/);
    expect(deployErrorText(new Error("code: 255\n stdout: Updating (dev)\n\n stderr: warning: x\nerror: no Pulumi.yaml project file found\n err?: \n"))).toBe("error: no Pulumi.yaml project file found");
    expect(deployErrorText(new Error("boom"))).toBe("boom");
  });

  it("`bulkhead fleet up . --stack dev --tenant-stacks stacks/tenants` asks the Automation API for the platform stack, then each tenant stack, with the policy pack", async () => {
    const f = fakeStacks();
    let code = -1;
    const program = new Command("bulkhead").exitOverride();
    registerFleetUp(program.command("fleet"), (c) => (code = c), f.factory);
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      await program.parseAsync(["node", "bulkhead", "fleet", "up", repo, "--stack", "dev", "--tenant-stacks", path.join(repo, "stacks", "tenants"), "--concurrency", "2"]);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    expect(code).toBe(0);
    expect(f.calls.map((c) => [c.spec.role, c.spec.workDir, c.spec.stackName])).toEqual([
      ["platform", repo, "dev"],
      ["tenants", path.join(repo, "stacks", "tenants"), "dev-group-a"],
    ]);
    for (const c of f.calls) expect(c.policyPacks).toEqual([path.join(repo, "policies")]);
  });

  // Under the Pulumi CLI a tenant stack's pack cannot see the platform stack: the platform team's declaration of
  // its bastion group is the only way the admin rules from that group pass (bastion-only-admin).
  it("passes the platform's deployed bastionSecurityGroupId to every tenant stack's policy gate as bastion-only-admin's bastionSecurityGroupIds", async () => {
    const bastion = "sg-0a1b2c3d4e5f60718";
    const f = fakeStacks({ outputs: { bastionSecurityGroupId: bastion } });
    const lines: string[] = [];
    const r = await deployFleet(platform, tenants.slice(0, 2), f.factory, { concurrency: 2, policyPacks: ["/pack"], onProgress: (l) => lines.push(l) });
    expect(r.platform.bastionSecurityGroupId).toBe(bastion);
    expect(f.calls[0].policyPackConfigs).toBeUndefined();
    for (const c of f.calls.slice(1)) expect(c.policyConfigs).toEqual([{ "bastion-only-admin": { bastionSecurityGroupIds: [bastion] } }]);
    expect(lines).toContain(`tenant stacks: bastion-only-admin takes the platform's bastion group ${bastion} (bastionSecurityGroupIds)`);
    // The config file lives only as long as the deploy.
    expect(existsSync(f.calls[1].policyPackConfigs![0])).toBe(false);
  });

  it("passes nothing when the platform's output is not a group id (or there is no pack): the tenant stacks' admin rules stay unverifiable, and the log says why", async () => {
    const f = fakeStacks({ outputs: { bastionSecurityGroupId: "10.0.0.0/16" } });
    const lines: string[] = [];
    await deployFleet(platform, tenants.slice(0, 1), f.factory, { concurrency: 1, policyPacks: ["/pack"], onProgress: (l) => lines.push(l) });
    expect(f.calls.map((c) => c.policyPackConfigs)).toEqual([undefined, undefined]);
    expect(lines).toContain(`tenant stacks: the platform's bastionSecurityGroupId output "10.0.0.0/16" is not a security group id; their admin rules from the platform's bastion group stay unverifiable to bastion-only-admin`);
    const none = fakeStacks({ outputs: { bastionSecurityGroupId: "sg-0a1b2c3d4e5f60718" } });
    await deployFleet(platform, tenants.slice(0, 1), none.factory, { concurrency: 1 });
    expect(none.calls.map((c) => c.policyPackConfigs)).toEqual([undefined, undefined]);
  });
});
