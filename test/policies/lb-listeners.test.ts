/**
 * A security group only load balancers use is reached on their listener ports alone: an ALB/NLB accepts connections
 * only on its listeners (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html),
 * so awsx's default load balancer group (all traffic from 0.0.0.0/0 and ::/0) in front of a listener on 443 opens
 * no admin or data port. Fails closed: a listener whose port is unknown, a load balancer without listeners in the
 * stack, or the group on anything else keeps every port the group admits.
 */
import { describe, expect, it } from "vitest";
import { mandatoryFindings } from "./doors-helpers";
import { hardened, Stack, UNKNOWN } from "./fixtures";

const LISTENER = "aws:lb/listener:Listener";
const NETWORK_RULES = ["only-lbs-face-world", "no-world-open-sensitive-port", "bastion-only-admin", "data-ports-tenant-only"];

/** The hardened fixture with awsx's default ALB group: every protocol and port from the whole internet. */
function allOpenAlb(): Stack {
  const s = hardened();
  s.set("alb-sg", { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }] });
  return s;
}
const listener = (s: Stack, name: string, port: unknown, protocol = "HTTPS") =>
  s.add(LISTENER, name, { loadBalancerArn: UNKNOWN, port, protocol, defaultActions: [{ type: "fixed-response" }] }, { loadBalancerArn: ["web-alb"] });

describe("load balancer groups are open where the load balancers listen (load-balancer-listeners.html)", () => {
  it("all ports open to the world, one HTTPS listener on 443: nothing but 443 is reachable, no finding", () => {
    const s = allOpenAlb();
    listener(s, "web-https", 443);
    expect(mandatoryFindings(s, NETWORK_RULES)).toEqual([]);
  });

  it("a listener on 22 makes the world-open group an SSH door on the load balancer", () => {
    const s = allOpenAlb();
    listener(s, "web-https", 443);
    listener(s, "web-ssh", 22, "TCP");
    expect(mandatoryFindings(s, NETWORK_RULES)).toEqual([
      "bastion-only-admin alb-sg admin-port-not-from-bastion",
      "no-world-open-sensitive-port alb-sg world-open-port",
      "only-lbs-face-world alb-sg world-facing-port-not-allowed",
    ]);
  });

  it("no listener in the stack: every port the group admits counts (listeners may come from elsewhere)", () => {
    const s = allOpenAlb();
    expect(mandatoryFindings(s, NETWORK_RULES)).toEqual([
      "bastion-only-admin alb-sg admin-port-not-from-bastion",
      "data-ports-tenant-only alb-sg data-port-public-cidr",
      "no-world-open-sensitive-port alb-sg world-open-port",
      "only-lbs-face-world alb-sg world-facing-port-not-allowed",
    ]);
  });

  it("a listener whose port is unknown before deploy keeps every port", () => {
    const s = allOpenAlb();
    listener(s, "web-https", 443);
    listener(s, "web-other", UNKNOWN);
    expect(mandatoryFindings(s, NETWORK_RULES)).toEqual([
      "bastion-only-admin alb-sg admin-port-not-from-bastion",
      "data-ports-tenant-only alb-sg data-port-public-cidr",
      "no-world-open-sensitive-port alb-sg world-open-port",
      "only-lbs-face-world alb-sg world-facing-port-not-allowed",
    ]);
  });

  it("the group also on an instance: the instance takes every port, the listener does not narrow it", () => {
    const s = allOpenAlb();
    listener(s, "web-https", 443);
    s.add("aws:ec2/instance:Instance", "odd-box", { ami: "ami-12345678", instanceType: "t3.micro", subnetId: UNKNOWN, vpcSecurityGroupIds: [UNKNOWN], metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true } }, { subnetId: ["acme-app-a"], vpcSecurityGroupIds: ["alb-sg"] });
    expect(mandatoryFindings(s, NETWORK_RULES)).toEqual([
      "bastion-only-admin alb-sg admin-port-not-from-bastion",
      "data-ports-tenant-only alb-sg data-port-public-cidr",
      "no-world-open-sensitive-port alb-sg world-open-port",
      "only-lbs-face-world alb-sg world-facing-lb-group-shared",
    ]);
  });
});
