/**
 * `bulkhead tenants allocate PATH`: proposes the load-balancer slot (shard, listener-rule priority) of every
 * pooled app tenant whose stack-config entry has none, and shows how full each shard is. It only ever adds
 * slots: a written slot is never moved, so applying the proposal changes no deployed tenant. `--write` adds
 * them to the stack file in place (comments and layout kept); otherwise the YAML to add is printed.
 */
import type { Command } from "commander";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseDocument, isMap, isSeq } from "yaml";
import {
  effectiveQuotas,
  proposeRouting,
  routedTenant,
  type LoadBalancerQuotas,
  type RoutingProposal,
  type TenantSettings,
} from "../../components/validation";
import { resolveTarget, UsageError } from "../engine/project";
import { CliError } from "../errors";
import type { CliIo } from "../io";

export interface AllocateResult {
  stackFile: string;
  proposals: RoutingProposal[];
  /** Per shard in use after the proposals: routed tenants (each one rule and one target group) and extra certificates. */
  shards: Array<{ shard: number; tenants: number; certificates: number }>;
  quotas: Required<LoadBalancerQuotas>;
}

function configOf(stackFile: string, key: string): unknown {
  const doc = parseDocument(readFileSync(stackFile, "utf8"));
  return doc.toJS()?.config?.[key];
}

/** Pure over the stack file: what `allocate` would add and how full each shard then is. */
export function allocate(target: string, stack?: string): AllocateResult {
  let t;
  try {
    t = resolveTarget(target, stack);
  } catch (e) {
    if (e instanceof UsageError) throw new CliError("usage", e.message, e.source, e.hint);
    throw e;
  }
  if (!t.stackFile) throw new CliError("usage", `${target} has no stack file to allocate in`, null, "create Pulumi.<stack>.yaml or pass --stack");
  const ns = t.projectName;
  const tenants = configOf(t.stackFile, `${ns}:tenants`);
  if (tenants !== undefined && !Array.isArray(tenants)) {
    throw new CliError("usage", `${ns}:tenants in ${path.relative(process.cwd(), t.stackFile)} is not a list`, null, "list tenants as [{tenantId: ...}, ...]");
  }
  const list = (tenants ?? []) as TenantSettings[];
  const quotas = configOf(t.stackFile, `${ns}:loadBalancerQuotas`) as LoadBalancerQuotas | undefined;
  const defaultCertificateArn = configOf(t.stackFile, `${ns}:certificateArn`) as string | undefined;
  const proposals = proposeRouting(list, { quotas, defaultCertificateArn });
  const slot = new Map(proposals.map((p) => [p.index, p.routing]));
  const shards = new Map<number, { tenants: number; certs: Set<string> }>();
  list.forEach((x, i) => {
    const r = slot.get(i) ?? x?.routing;
    if (!routedTenant(x) || !r || !Number.isInteger(r.shard)) return;
    const s = shards.get(r.shard) ?? { tenants: 0, certs: new Set<string>() };
    s.tenants++;
    const c = x.app?.certificateArn;
    if (c && c !== defaultCertificateArn) s.certs.add(c);
    shards.set(r.shard, s);
  });
  return {
    stackFile: t.stackFile,
    proposals,
    shards: [...shards].sort((a, b) => a[0] - b[0]).map(([shard, s]) => ({ shard, tenants: s.tenants, certificates: s.certs.size })),
    quotas: effectiveQuotas(quotas),
  };
}

/** Adds each proposal's `routing` to its tenant entry, keeping the file's comments and layout. */
export function writeProposals(stackFile: string, key: string, proposals: RoutingProposal[]): void {
  const doc = parseDocument(readFileSync(stackFile, "utf8"));
  const seq = doc.getIn(["config", key], true);
  if (!isSeq(seq)) throw new CliError("usage", `${key} in ${stackFile} is not a list`);
  for (const p of proposals) {
    const entry = seq.items[p.index];
    if (!isMap(entry)) throw new CliError("usage", `${key}[${p.index}] in ${stackFile} is not a mapping`);
    const node = doc.createNode(p.routing);
    node.flow = true;
    entry.set("routing", node);
  }
  writeFileSync(stackFile, doc.toString({ lineWidth: 0 }));
}

export function registerTenantsCommand(program: Command, io: CliIo): void {
  const tenants = program.command("tenants").description("manage the tenants of a bulkhead platform stack");
  tenants
    .command("allocate")
    .description("propose a load-balancer slot (shard, rule priority) for every pooled app tenant without one; never moves a written slot")
    .argument("<path>", "Pulumi project directory (with Pulumi.yaml)")
    .option("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml to read (default: the first stack file, else dev)")
    .option("--write", "add the proposed slots to the stack file (comments kept) instead of printing them")
    .action((target: string, o: { stack?: string; write?: boolean }) => {
      const r = allocate(target, o.stack);
      const file = path.relative(process.cwd(), r.stackFile) || r.stackFile;
      const key = `${resolveTarget(target, o.stack).projectName}:tenants`;
      const out: string[] = [];
      if (r.proposals.length === 0) out.push(`# ${file}: every pooled app tenant already has a routing slot; nothing to add.`);
      else if (o.write) {
        writeProposals(r.stackFile, key, r.proposals);
        out.push(`# ${file}: added routing to ${r.proposals.length} tenant(s):`);
        for (const p of r.proposals) out.push(`#   ${key}[${p.index}] ${p.tenantId}: routing: {shard: ${p.routing.shard}, priority: ${p.routing.priority}}`);
      } else {
        out.push(`# ${file}: add to these entries of ${key} (or rerun with --write):`);
        for (const p of r.proposals) {
          out.push(`# [${p.index}] tenantId: ${p.tenantId}`, `    routing: { shard: ${p.routing.shard}, priority: ${p.routing.priority} }`);
        }
      }
      const q = r.quotas;
      for (const s of r.shards) {
        out.push(`# shard ${s.shard}: ${s.tenants}/${Math.min(q.targetGroups, q.rules, q.securityGroupRules)} tenants (target groups ≤ ${q.targetGroups}, rules ≤ ${q.rules}, security-group rules ≤ ${q.securityGroupRules}), ${s.certificates}/${q.certificates} extra certificates`);
      }
      io.stdout.write(out.join("\n") + "\n");
    });
}
