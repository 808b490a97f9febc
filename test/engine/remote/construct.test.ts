/** RemoteComponents without a worker: which registrations are expanded, counted as not expanded, or fall back. */
import { describe, expect, it } from "vitest";
import { RemoteComponents } from "../../../cli/engine/remote";
import type { Environment, RegisterRequest } from "../../../cli/engine/remote/context";

function request(type: string, name: string, inputs: Record<string, unknown> = {}) {
  return {
    getType: () => type,
    getName: () => name,
    getVersion: () => "3.9.0",
    getObject: () => ({ toJavaScript: () => inputs }),
    getPropertydependenciesMap: () => new Map(),
    getProvidersMap: () => new Map(),
  };
}

const env: Environment = {
  region: "eu-west-1",
  accountId: "123456789012",
  zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  unknowns: "symbolic",
  invoke: () => {
    throw new Error("no answer");
  },
};

describe("RemoteComponents", () => {
  it("registers a component's children under it and answers outputs that depend on them", async () => {
    const seen: RegisterRequest[] = [];
    const remote = new RemoteComponents(env, async (child) => {
      seen.push(child);
      const urn = `${child.parent}/${child.type}::${child.name}`;
      return { urn, id: `id-${child.name}`, outputs: child.inputs };
    });
    const result = await remote.construct(request("awsx:ec2:Vpc", "net", { numberOfAvailabilityZones: 2, natGateways: { strategy: "None" } }), "urn:vpc");
    expect(result!.outputs.vpcId).toBe("id-net");
    expect(result!.outputDeps.publicSubnetIds).toHaveLength(2);
    expect(seen.filter((c) => c.type === "aws:ec2/natGateway:NatGateway")).toEqual([]);
    expect(seen.find((c) => c.type === "aws:ec2/subnet:Subnet")!.propertyDependencies.vpcId).toEqual(["urn:vpc/aws:ec2/vpc:Vpc::net"]);
    expect(remote.unexpanded()).toEqual([]);
  });

  it("counts a type without an expansion, and a failed expansion with its reason, as not expanded", async () => {
    const remote = new RemoteComponents(env, async () => {
      throw new Error("monitor down");
    });
    expect(await remote.construct(request("awsx:cloudtrail:Trail", "audit"), "urn:trail")).toBeUndefined();
    expect(await remote.construct(request("awsx:ecs:FargateService", "web", { taskDefinition: "arn:td" }), "urn:svc")).toBeUndefined();
    expect(remote.unexpanded()).toEqual([
      { type: "awsx:cloudtrail:Trail", count: 1 },
      { type: "awsx:ecs:FargateService", count: 1 },
    ]);
    expect(remote.reasons).toEqual({ "urn:trail": "", "urn:svc": "its offline expansion failed: monitor down" });
  });
});
