/**
 * Lookups the providers make while constructing (the default VPC and its subnets). Answered by the engine's invoke
 * table when it knows them, else with the same deterministic shape: a default VPC whose default subnets all map public
 * IPs on launch, as AWS creates them (https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html).
 */
import { createHash } from "node:crypto";
import type { Environment } from "./context";

export interface DefaultVpc {
  vpcId: string;
  publicSubnetIds: string[];
  privateSubnetIds: string[];
}

const hex = (seed: string, n: number) => createHash("sha256").update(seed).digest("hex").slice(0, n);

function tryInvoke(token: string, args: Record<string, unknown>, env: Environment): any {
  try {
    return env.invoke(token, args);
  } catch {
    // No answer for this lookup: the deterministic shape below stands in, as the module header says.
    return undefined;
  }
}

export function defaultVpc(env: Environment): DefaultVpc {
  const vpc = tryInvoke("aws:ec2/getVpc:getVpc", { default: true }, env);
  const vpcId: string = vpc?.id ?? `vpc-${hex(`default-vpc/${env.region}`, 17)}`;
  const listed = tryInvoke("aws:ec2/getSubnets:getSubnets", { filters: [{ name: "vpc-id", values: [vpcId] }] }, env);
  const ids: string[] = Array.isArray(listed?.ids) ? listed.ids : env.zones.map((z) => `subnet-${hex(`default-subnet/${z}`, 17)}`);
  // awsx splits the default VPC's subnets by mapPublicIpOnLaunch; AWS's default subnets all set it.
  const publicSubnetIds: string[] = [];
  const privateSubnetIds: string[] = [];
  for (const id of ids) {
    const s = tryInvoke("aws:ec2/getSubnet:getSubnet", { id }, env);
    if (s && s.mapPublicIpOnLaunch === false) privateSubnetIds.push(id);
    else publicSubnetIds.push(id);
  }
  return { vpcId, publicSubnetIds, privateSubnetIds };
}
