/**
 * PublicLoadBalancer: the internet-facing ALB, the only thing besides NAT that faces the world. Its
 * security group admits 443 from anywhere and nothing else; egress to targets is added per tenant
 * (referencing the tenant's app group), so adding a tenant never edits a shared rule.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Problems, checkTenantId } from "./validation";

export interface PublicLoadBalancerArgs {
  /** VPC of the load balancer. Required. */
  vpcId: pulumi.Input<string>;
  /** Public-tier subnet ids (two AZs or more, as ALBs require). Required. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** ACM certificate ARN for the HTTPS listener. Required. */
  certificateArn: pulumi.Input<string>;
  /**
   * Further ACM certificates served by SNI on the HTTPS listener (one per tenant host name that the default
   * certificate does not cover). Each is a `${name}-cert-<hash of the ARN>` child, so adding or removing one
   * touches no other. At most 25 unless AWS raised the quota. Default `[]`.
   */
  additionalCertificateArns?: string[];
  /** TLS policy of the listener. Default `ELBSecurityPolicy-TLS13-1-2-2021-06` (TLS 1.2+ only). */
  sslPolicy?: string;
  /** ALB deletion protection. Default `false`. */
  deletionProtection?: boolean;
  /** Owner when the ALB belongs to a silo tenant: adds `bulkhead:tenant`. Default: unset (platform). */
  tenantId?: string;
  /** Extra tags. Default `{}`. */
  tags?: Record<string, string>;
}

/** Throws one InputPropertiesError naming every invalid argument. */
export function validatePublicLoadBalancerArgs(name: string, args: PublicLoadBalancerArgs): void {
  const p = new Problems();
  if (args.tenantId !== undefined) checkTenantId(p, "tenantId", args.tenantId);
  if (args.sslPolicy !== undefined && !/^ELBSecurityPolicy-(TLS13|FS-1-2|TLS-1-2)/.test(args.sslPolicy)) {
    p.add("sslPolicy", args.sslPolicy, "allows TLS below 1.2", 'use "ELBSecurityPolicy-TLS13-1-2-2021-06"');
  }
  if (typeof args.certificateArn === "string" && !args.certificateArn.startsWith("arn:")) {
    p.add("certificateArn", args.certificateArn, "not an ARN", "pass an ACM certificate ARN");
  }
  (args.additionalCertificateArns ?? []).forEach((c, i) => {
    if (typeof c !== "string" || !c.startsWith("arn:")) p.add(`additionalCertificateArns[${i}]`, c, "not an ARN", "pass ACM certificate ARNs");
  });
  p.throwIfAny(`PublicLoadBalancer "${name}"`);
}

export class PublicLoadBalancer extends pulumi.ComponentResource {
  public readonly securityGroupId: pulumi.Output<string>;
  public readonly loadBalancerArn: pulumi.Output<string>;
  public readonly dnsName: pulumi.Output<string>;
  public readonly listenerArn: pulumi.Output<string>;

  constructor(name: string, args: PublicLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bulkhead:network:PublicLoadBalancer", name, {}, opts);
    validatePublicLoadBalancerArgs(name, args);
    const child = { parent: this };
    const base: Record<string, string> = { ...args.tags, ...(args.tenantId ? { "bulkhead:tenant": args.tenantId } : {}) };
    const tagged = (n: string) => ({ ...base, Name: n });

    const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
      vpcId: args.vpcId,
      description: "Internet-facing load balancer: HTTPS from the world only",
      revokeRulesOnDelete: true,
      tags: tagged(`${name}-sg`),
    }, child);
    new aws.vpc.SecurityGroupIngressRule(`${name}-https-ipv4`, {
      securityGroupId: sg.id,
      description: "HTTPS from the internet",
      ipProtocol: "tcp", fromPort: 443, toPort: 443,
      cidrIpv4: "0.0.0.0/0",
      tags: tagged(`${name}-https-ipv4`),
    }, child);

    const lb = new aws.lb.LoadBalancer(`${name}-alb`, {
      loadBalancerType: "application",
      internal: false,
      securityGroups: [sg.id],
      subnets: args.subnetIds,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: args.deletionProtection ?? false,
      tags: tagged(`${name}-alb`),
    }, child);
    const listener = new aws.lb.Listener(`${name}-https`, {
      loadBalancerArn: lb.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: args.sslPolicy ?? "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificateArn: args.certificateArn,
      // Unknown hosts get a 404: only tenant rules forward anywhere.
      defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "not found" } }],
      tags: tagged(`${name}-https`),
    }, child);

    for (const arn of new Set(args.additionalCertificateArns ?? [])) {
      if (arn === args.certificateArn) continue;
      const tag = createHash("sha256").update(arn).digest("hex").slice(0, 8);
      new aws.lb.ListenerCertificate(`${name}-cert-${tag}`, { listenerArn: listener.arn, certificateArn: arn }, child);
    }

    this.securityGroupId = sg.id;
    this.loadBalancerArn = lb.arn;
    this.dnsName = lb.dnsName;
    this.listenerArn = listener.arn;
    this.registerOutputs({
      securityGroupId: this.securityGroupId,
      loadBalancerArn: this.loadBalancerArn,
      dnsName: this.dnsName,
      listenerArn: this.listenerArn,
    });
  }
}
