/**
 * Paths a security group cannot see (issue 15): load balancer → listener → target group → targets, client-IP
 * preservation, endpoint services. Each case changes the hardened fixture in one way written from the AWS page
 * cited beside it, and asserts the exact set of mandatory findings as `rule resource kind`.
 */
import { describe, expect, it } from "vitest";
import { buildModel } from "../../policies/model";
import { clientIpOf } from "../../policies/model/hops";
import { mandatoryFindings } from "./doors-helpers";
import { hardened, Stack, TYPES, UNKNOWN } from "./fixtures";

const T = {
  ...TYPES,
  listener: "aws:lb/listener:Listener",
  listenerRule: "aws:lb/listenerRule:ListenerRule",
  tg: "aws:lb/targetGroup:TargetGroup",
  tgAtt: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
  asgAtt: "aws:autoscaling/attachment:Attachment",
  eps: "aws:ec2/vpcEndpointService:VpcEndpointService",
  epsPrincipal: "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple",
  albListener: "aws:alb/listener:Listener",
} as const;

const NLB_IP = "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#client-ip-preservation";
const NLB_REGISTER = "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-register-targets.html";
const NLB_SG = "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html";
const ECS_NLB = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/nlb.html";
const ALB_RULES = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-update-rules.html";
const LB_SCHEME = "https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html#load-balancer-scheme";
const EPS = "https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html";

const R = "no-hidden-internet-paths";

/** An internet-facing NLB in the public subnet with a listener on `port` forwarding to target group `tg`. */
function nlb(s: Stack, tg: string, port: number, extra: Record<string, any> = {}, deps: Record<string, string[]> = {}) {
  s.add(T.lb, "edge-nlb", { loadBalancerType: "network", internal: false, subnets: [UNKNOWN], ...extra }, { subnets: ["public-a"], ...deps });
  s.add(T.listener, "edge-listener", { loadBalancerArn: UNKNOWN, port, protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: UNKNOWN }] }, { loadBalancerArn: ["edge-nlb"], defaultActions: [tg] });
}
const tgOf = (s: Stack, name: string, props: Record<string, any>) => s.add(T.tg, name, { vpcId: UNKNOWN, protocol: "TCP", ...props }, { vpcId: ["main-vpc"] });
/** acme-app-sg (acme-worker, the ASG's template) admits `cidr` on `port`. */
const appAdmits = (s: Stack, name: string, port: number, cidr: string) =>
  s.add(T.sgRule, name, { type: "ingress", securityGroupId: UNKNOWN, protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: [cidr] }, { securityGroupId: ["acme-app-sg"] });
const attach = (s: Stack, name: string, tg: string, target: string | null, targetId: string = UNKNOWN, port?: number) =>
  s.add(T.tgAtt, name, { targetGroupArn: UNKNOWN, targetId, ...(port ? { port } : {}) }, { targetGroupArn: [tg], ...(target ? { targetId: [target] } : {}) });

type Case = [title: string, build: (s: Stack) => void, expected: string[]];
function table(cases: Case[]) {
  for (const [title, build, expected] of cases)
    it(title, () => {
      const s = hardened();
      build(s);
      expect([...new Set(mandatoryFindings(s))]).toEqual([...expected].sort());
    });
}

describe("client-IP preservation defaults", () => {
  it(`follows AWS's documented defaults (${NLB_IP})`, () => {
    expect(clientIpOf({ protocol: "TCP" }).clientIp).toBe("preserved");
    expect(clientIpOf({ protocol: "TCP", targetType: "ip" }).clientIp).toBe("lost");
    expect(clientIpOf({ protocol: "TCP", targetType: "alb" }).clientIp).toBe("lost");
    expect(clientIpOf({ protocol: "UDP", targetType: "ip", preserveClientIp: "false" }).clientIp).toBe("preserved");
    expect(clientIpOf({ protocol: "TCP", targetType: "ip", preserveClientIp: "true" }).clientIp).toBe("preserved");
    expect(clientIpOf({ protocol: "TCP", preserveClientIp: "false" }).clientIp).toBe("lost");
    expect(clientIpOf({ protocol: "TCP", preserveClientIp: UNKNOWN }).clientIp).toBe("unknown");
  });

  it("the model follows listener → target group → targets of every registration kind", () => {
    const s = hardened();
    tgOf(s, "ssh-tg", { port: 22, targetType: "ip" });
    nlb(s, "ssh-tg", 2222);
    attach(s, "ssh-att", "ssh-tg", "acme-worker");
    s.set("acme-app-asg", { targetGroupArns: [UNKNOWN] }, { targetGroupArns: ["ssh-tg"] });
    const hops = buildModel(s.resources).hops();
    const tg = hops.tgByUrn(s.urn("ssh-tg"))!;
    expect(tg.targets.sort()).toEqual([s.urn("acme-app-asg"), s.urn("acme-worker")].sort());
    expect(tg.clientIp).toBe("lost");
    expect(hops.listeners.map((l) => [l.urn, l.targetGroups])).toEqual([[s.urn("edge-listener"), [s.urn("ssh-tg")]]]);
    expect(hops.pathText(hops.listeners[0], tg)).toMatch(/^internet → nlb .*edge-nlb:2222 → tg .*ssh-tg:22 \(client IP lost\) → /);
  });
});

describe("nlb-masks-client-ip: the targets see the NLB's private address", () => {
  // Admitting a VPC CIDR on an admin port is already a bastion-only-admin finding; this rule adds that the port is
  // open to the world through the load balancer, on the target group a reviewer should fix.
  const VPC_SSH = ["bastion-only-admin acme-vpc-ssh admin-port-not-from-bastion"];
  table([
    [
      `instance targets with preserveClientIp "false", SSH from the VPC CIDR (${NLB_IP})`,
      (s) => {
        tgOf(s, "ssh-tg", { port: 22, preserveClientIp: "false" });
        nlb(s, "ssh-tg", 22);
        attach(s, "ssh-att", "ssh-tg", "acme-worker");
        appAdmits(s, "acme-vpc-ssh", 22, "10.0.0.0/16");
      },
      [...VPC_SSH, `${R} ssh-tg nlb-masks-client-ip`],
    ],
    [
      `IP targets (preservation off by default) registered by address, RDP from the NLB's subnet (${NLB_REGISTER})`,
      (s) => {
        s.set("acme-worker", { privateIp: "10.0.10.25" });
        tgOf(s, "rdp-tg", { port: 3389, targetType: "ip" });
        nlb(s, "rdp-tg", 443);
        attach(s, "rdp-att", "rdp-tg", null, "10.0.10.25");
        appAdmits(s, "acme-vpc-ssh", 3389, "10.0.0.0/24");
      },
      [...VPC_SSH, `${R} rdp-tg nlb-masks-client-ip`],
    ],
    [
      `an auto-scaling group behind an IP target group through autoscaling.Attachment, SSH from 10.0.0.0/8 (${NLB_IP})`,
      (s) => {
        tgOf(s, "asg-ssh-tg", { port: 22, targetType: "ip" });
        nlb(s, "asg-ssh-tg", 22);
        s.add(T.asgAtt, "asg-ssh-att", { autoscalingGroupName: UNKNOWN, lbTargetGroupArn: UNKNOWN }, { autoscalingGroupName: ["acme-app-asg"], lbTargetGroupArn: ["asg-ssh-tg"] });
        appAdmits(s, "acme-vpc-ssh", 22, "10.0.0.0/8");
      },
      [...VPC_SSH, `${R} asg-ssh-tg nlb-masks-client-ip`],
    ],
    [
      `an ECS awsvpc service (IP targets) whose group admits the VPC on SSH (${ECS_NLB})`,
      (s) => {
        s.add(T.sg, "svc-sg", { vpcId: UNKNOWN, tags: { "bulkhead:tenant": "acme" }, ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/16"] }] }, { vpcId: ["main-vpc"] });
tgOf(s, "svc-tg", { port: 22, targetType: "ip" });
                s.add(T.ecsService, "ssh-svc", { cluster: UNKNOWN, taskDefinition: UNKNOWN, networkConfiguration: { subnets: [UNKNOWN], securityGroups: [UNKNOWN], assignPublicIp: false }, loadBalancers: [{ targetGroupArn: UNKNOWN, containerName: "sshd", containerPort: 22 }], tags: { "bulkhead:tenant": "acme" } }, { taskDefinition: ["acme-task"], networkConfiguration: ["acme-app-a", "svc-sg"], loadBalancers: ["svc-tg"] });
        nlb(s, "svc-tg", 22);
      },
      ["bastion-only-admin svc-sg admin-port-not-from-bastion", `${R} svc-tg nlb-masks-client-ip`],
    ],
  ]);

  table([
    [
      `hardened: IP targets without preservation, SSH admitted only from the bastion's group (${NLB_IP})`,
      (s) => {
        tgOf(s, "ssh-tg", { port: 22, targetType: "ip", preserveClientIp: "false" });
        nlb(s, "ssh-tg", 22);
        attach(s, "ssh-att", "ssh-tg", "acme-worker");
      },
      [],
    ],
    [
      `hardened: instance targets keep the client's address by default, the group admits only the office (${NLB_IP})`,
      (s) => {
        tgOf(s, "ssh-tg", { port: 22 });
        nlb(s, "ssh-tg", 22);
        attach(s, "ssh-att", "ssh-tg", "acme-worker");
        appAdmits(s, "acme-office-ssh", 22, "203.0.113.7/32");
      },
      ["bastion-only-admin acme-office-ssh admin-port-not-from-bastion"],
    ],
    [
      `hardened: the NLB's own security group admits only the office on its listener (${NLB_SG})`,
      (s) => {
        s.add(T.sg, "nlb-sg", { vpcId: UNKNOWN, ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["203.0.113.0/24"] }] }, { vpcId: ["main-vpc"] });
        tgOf(s, "app-tg", { port: 8443, targetType: "ip" });
        nlb(s, "app-tg", 443, { securityGroups: [UNKNOWN] }, { securityGroups: ["nlb-sg"] });
        attach(s, "app-att", "app-tg", "acme-worker");
        appAdmits(s, "acme-vpc-app", 8443, "10.0.0.0/16");
      },
      [],
    ],
  ]);
});

describe("public-lb-to-data-port: a public listener forwards to a database port", () => {
  table([
    [
      `internet-facing NLB on 5432 to a Postgres IP target (${LB_SCHEME})`,
      (s) => {
        tgOf(s, "pg-tg", { port: 5432, targetType: "ip" });
        nlb(s, "pg-tg", 5432);
        attach(s, "pg-att", "pg-tg", null, "10.0.20.10");
      },
      [`${R} edge-listener public-lb-to-data-port`],
    ],
    [
      `an ALB listener rule forwarding /search to OpenSearch on 9200 (${ALB_RULES})`,
      (s) => {
        s.add(T.albListener, "web-https", { loadBalancerArn: UNKNOWN, port: 443, protocol: "HTTPS", defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }] }, { loadBalancerArn: ["web-alb"] });
        s.add(T.tg, "search-tg", { vpcId: UNKNOWN, protocol: "HTTP", port: 9200, targetType: "ip" }, { vpcId: ["main-vpc"] });
        s.add(T.listenerRule, "search-rule", { listenerArn: UNKNOWN, priority: 10, actions: [{ type: "forward", targetGroupArn: UNKNOWN }], conditions: [{ pathPattern: { values: ["/search/*"] } }] }, { listenerArn: ["web-https"], actions: ["search-tg"] });
      },
      [`${R} search-rule public-lb-to-data-port`],
    ],
    [
      `an ECS Redis service behind a public NLB, the container port overriding the group's (${ECS_NLB})`,
      (s) => {
tgOf(s, "redis-tg", { port: 80, targetType: "ip" });
                s.add(T.ecsService, "redis-svc", { cluster: UNKNOWN, taskDefinition: UNKNOWN, networkConfiguration: { subnets: [UNKNOWN], securityGroups: [UNKNOWN] }, loadBalancers: [{ targetGroupArn: UNKNOWN, containerName: "redis", containerPort: 6379 }], tags: { "bulkhead:tenant": "acme" } }, { taskDefinition: ["acme-task"], networkConfiguration: ["acme-app-a", "acme-db-sg"], loadBalancers: ["redis-tg"] });
        nlb(s, "redis-tg", 6380);
      },
      [`${R} edge-listener public-lb-to-data-port`],
    ],
    [
      `weighted forward to a MySQL group among others (${ALB_RULES})`,
      (s) => {
        s.add(T.tg, "web-tg", { vpcId: UNKNOWN, protocol: "HTTP", port: 8080 }, { vpcId: ["main-vpc"] });
        s.add(T.tg, "mysql-tg", { vpcId: UNKNOWN, protocol: "TCP", port: 3306, targetType: "ip" }, { vpcId: ["main-vpc"] });
        s.add(T.listener, "web-https", { loadBalancerArn: UNKNOWN, port: 443, protocol: "HTTPS", defaultActions: [{ type: "forward", forward: { targetGroups: [{ arn: UNKNOWN, weight: 90 }, { arn: UNKNOWN, weight: 10 }] } }] }, { loadBalancerArn: ["web-alb"], defaultActions: ["web-tg", "mysql-tg"] });
      },
      [`${R} web-https public-lb-to-data-port`],
    ],
  ]);

  table([
    [
      `hardened: an internal NLB in front of Postgres (${LB_SCHEME})`,
      (s) => {
        tgOf(s, "pg-tg", { port: 5432, targetType: "ip" });
        nlb(s, "pg-tg", 5432, { internal: true });
        attach(s, "pg-att", "pg-tg", null, "10.0.20.10");
      },
      [],
    ],
    [
      `hardened: the public ALB forwards 443 to the app on 8080 (${ALB_RULES})`,
      (s) => {
        s.add(T.tg, "web-tg", { vpcId: UNKNOWN, protocol: "HTTP", port: 8080 }, { vpcId: ["main-vpc"] });
        s.set("acme-app-asg", { targetGroupArns: [UNKNOWN] }, { targetGroupArns: ["web-tg"] });
        s.add(T.listener, "web-https", { loadBalancerArn: UNKNOWN, port: 443, protocol: "HTTPS", defaultActions: [{ type: "forward", targetGroupArn: UNKNOWN }] }, { loadBalancerArn: ["web-alb"], defaultActions: ["web-tg"] });
      },
      [],
    ],
  ]);
});

describe("endpoint-service-open: any AWS account may connect without acceptance", () => {
  const service = (s: Stack, props: Record<string, any>) =>
    s.add(T.eps, "pg-service", { networkLoadBalancerArns: [UNKNOWN], ...props }, { networkLoadBalancerArns: ["internal-nlb"] });
  const internalNlb = (s: Stack) => s.add(T.lb, "internal-nlb", { loadBalancerType: "network", internal: true, subnets: [UNKNOWN] }, { subnets: ["acme-db-a"] });
  table([
    [
      `allowedPrincipals ["*"] with acceptanceRequired false (${EPS})`,
      (s) => {
        internalNlb(s);
        service(s, { acceptanceRequired: false, allowedPrincipals: ["*"] });
      },
      [`${R} pg-service endpoint-service-open`],
    ],
    [
      `a VpcEndpointServiceAllowedPrinciple of "*" on a service that accepts automatically (${EPS}#add-remove-permissions)`,
      (s) => {
        internalNlb(s);
        service(s, { acceptanceRequired: false });
        s.add(T.epsPrincipal, "pg-service-anyone", { vpcEndpointServiceId: UNKNOWN, principalArn: "*" }, { vpcEndpointServiceId: ["pg-service"] });
      },
      [`${R} pg-service endpoint-service-open`],
    ],
    [
      `"*" beside a named account, acceptanceRequired "false" as a string (${EPS})`,
      (s) => {
        internalNlb(s);
        service(s, { acceptanceRequired: "false", allowedPrincipals: ["arn:aws:iam::111122223333:root", "*"] });
      },
      [`${R} pg-service endpoint-service-open`],
    ],
  ]);
  table([
    [
      `hardened: one named account, acceptance not required (${EPS}#add-remove-permissions)`,
      (s) => {
        internalNlb(s);
        service(s, { acceptanceRequired: false, allowedPrincipals: ["arn:aws:iam::111122223333:root"] });
      },
      [],
    ],
    [
      `hardened: "*" may request, but every connection needs acceptance (${EPS})`,
      (s) => {
        internalNlb(s);
        service(s, { acceptanceRequired: true, allowedPrincipals: ["*"] });
      },
      [],
    ],
  ]);
});

describe("cdn-fronts-internal-admin: CloudFront puts an internal admin endpoint on the internet", () => {
  const VPC_ORIGINS = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html";
  const VIEWER_FN = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-choosing.html";
  const SIGNED = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/PrivateContent.html";
  const WAF = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/distribution-web-awswaf.html";
  const DIST = "aws:cloudfront/distribution:Distribution";
  const VO = "aws:cloudfront/vpcOrigin:VpcOrigin";
  const internalAlb = (s: Stack, tags?: Record<string, string>) => {
    s.add(T.sg, "ops-alb-sg", { vpcId: UNKNOWN }, { vpcId: ["main-vpc"] });
    s.add(T.lb, "ops-alb", { loadBalancerType: "application", internal: true, securityGroups: [UNKNOWN], subnets: [UNKNOWN], ...(tags ? { tags } : {}) }, { securityGroups: ["ops-alb-sg"], subnets: ["acme-app-a"] });
  };
  const vpcOrigin = (s: Stack, target: string) =>
    s.add(VO, "ops-vpc-origin", { vpcOriginEndpointConfig: { name: "ops", arn: UNKNOWN, httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: { items: ["TLSv1.2"], quantity: 1 } } }, { vpcOriginEndpointConfig: [target] });
  const behavior = (extra: Record<string, any> = {}) => ({ targetOriginId: "ops", viewerProtocolPolicy: "redirect-to-https", allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"], ...extra });
  const dist = (s: Stack, origin: Record<string, any>, dep: string, def: Record<string, any> = {}, ordered: Record<string, any>[] = [], extra: Record<string, any> = {}) =>
    s.add(DIST, "ops-cdn", { enabled: true, origins: [{ originId: "ops", ...origin }], defaultCacheBehavior: behavior(def), orderedCacheBehaviors: ordered.map(behavior), restrictions: { geoRestriction: { restrictionType: "none" } }, viewerCertificate: { cloudfrontDefaultCertificate: true }, ...extra }, { origins: [dep] });
  const viaVpcOrigin = { domainName: UNKNOWN, vpcOriginConfig: { vpcOriginId: UNKNOWN } };

  table([
    [
      `a VPC origin in front of an internal ALB tagged bulkhead:role=admin, no viewer authentication (${VPC_ORIGINS})`,
      (s) => {
        internalAlb(s, { "bulkhead:role": "admin" });
        vpcOrigin(s, "ops-alb");
        dist(s, viaVpcOrigin, "ops-vpc-origin");
      },
      [`${R} ops-cdn cdn-fronts-internal-admin`],
    ],
    [
      `a custom origin naming an internal ALB's DNS name behind a /wp-admin/* behavior (${VPC_ORIGINS})`,
      (s) => {
        internalAlb(s);
        dist(s, { domainName: UNKNOWN, customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] } }, "ops-alb", {}, [{ pathPattern: "/wp-admin/*" }]);
      },
      [`${R} ops-cdn cdn-fronts-internal-admin`],
    ],
    [
      `a VPC origin in front of an instance, behavior "phpmyadmin/*" written without a leading slash (${VPC_ORIGINS})`,
      (s) => {
        vpcOrigin(s, "acme-worker");
        dist(s, viaVpcOrigin, "ops-vpc-origin", {}, [{ pathPattern: "phpmyadmin/*" }]);
      },
      [`${R} ops-cdn cdn-fronts-internal-admin`],
    ],
  ]);
  table([
    [
      `hardened: the same admin ALB behind a web ACL (${WAF})`,
      (s) => {
        internalAlb(s, { "bulkhead:role": "admin" });
        vpcOrigin(s, "ops-alb");
        dist(s, viaVpcOrigin, "ops-vpc-origin", {}, [], { webAclId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/ops/a1b2c3d4" });
      },
      [],
    ],
    [
      `hardened: /admin/* behind a viewer-request CloudFront function, the rest of an untagged internal ALB open (${VIEWER_FN})`,
      (s) => {
        internalAlb(s);
        vpcOrigin(s, "ops-alb");
        dist(s, viaVpcOrigin, "ops-vpc-origin", {}, [{ pathPattern: "/admin/*", functionAssociations: [{ eventType: "viewer-request", functionArn: "arn:aws:cloudfront::123456789012:function/check-jwt" }] }]);
      },
      [],
    ],
    [
      `hardened: the admin ALB served only with signed URLs (trusted key groups) (${SIGNED})`,
      (s) => {
        internalAlb(s, { "bulkhead:role": "admin" });
        vpcOrigin(s, "ops-alb");
        dist(s, viaVpcOrigin, "ops-vpc-origin", { trustedKeyGroups: ["kg-ops"] });
      },
      [],
    ],
  ]);
});

describe("public-lb-to-admin-port: the targets admit the public load balancer itself on an admin port", () => {
  const ALB_TARGETS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-register-targets.html#target-security-groups";
  table([
    [
      `an NLB with a security group forwards SSH to targets that admit that group (${NLB_SG})`,
      (s) => {
        s.add(T.sg, "nlb-sg", { vpcId: UNKNOWN, ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] }, { vpcId: ["main-vpc"] });
        tgOf(s, "ssh-tg", { port: 22 });
        nlb(s, "ssh-tg", 22, { securityGroups: [UNKNOWN] }, { securityGroups: ["nlb-sg"] });
        attach(s, "ssh-att", "ssh-tg", "acme-worker");
        s.add(T.sgIngress, "acme-ssh-from-nlb", { securityGroupId: UNKNOWN, referencedSecurityGroupId: UNKNOWN, ipProtocol: "tcp", fromPort: 22, toPort: 22 }, { securityGroupId: ["acme-app-sg"], referencedSecurityGroupId: ["nlb-sg"] });
      },
      [
        `${R} edge-listener public-lb-to-admin-port`,
        "bastion-only-admin acme-ssh-from-nlb admin-port-not-from-bastion",
        "no-world-open-sensitive-port nlb-sg world-open-port",
        "bastion-only-admin nlb-sg admin-port-not-from-bastion",
        "only-lbs-face-world nlb-sg world-facing-port-not-allowed",
      ],
    ],
    [
      `the public ALB forwards to the Docker API (2375) on targets that admit the VPC CIDR: an ALB always proxies (${ALB_TARGETS})`,
      (s) => {
        s.add(T.tg, "docker-tg", { vpcId: UNKNOWN, protocol: "HTTP", port: 2375 }, { vpcId: ["main-vpc"] });
        s.add(T.listener, "web-https", { loadBalancerArn: UNKNOWN, port: 443, protocol: "HTTPS", defaultActions: [{ type: "forward", targetGroupArn: UNKNOWN }] }, { loadBalancerArn: ["web-alb"], defaultActions: ["docker-tg"] });
        attach(s, "docker-att", "docker-tg", "acme-worker");
        appAdmits(s, "acme-vpc-docker", 2375, "10.0.0.0/16");
      },
      [`${R} web-https public-lb-to-admin-port`, "bastion-only-admin acme-vpc-docker admin-port-not-from-bastion"],
    ],
  ]);
  table([
    [
      `hardened: the public ALB forwards to 8080 on targets that admit the VPC CIDR (not an admin port) (${ALB_TARGETS})`,
      (s) => {
        s.add(T.tg, "web-tg", { vpcId: UNKNOWN, protocol: "HTTP", port: 8080 }, { vpcId: ["main-vpc"] });
        s.add(T.listener, "web-https", { loadBalancerArn: UNKNOWN, port: 443, protocol: "HTTPS", defaultActions: [{ type: "forward", targetGroupArn: UNKNOWN }] }, { loadBalancerArn: ["web-alb"], defaultActions: ["web-tg"] });
        attach(s, "web-att", "web-tg", "acme-worker");
        appAdmits(s, "acme-vpc-web", 8080, "10.0.0.0/16");
      },
      [],
    ],
    [
      `hardened: an internal ALB forwarding to WinRM (5986) on targets that admit its group (${LB_SCHEME})`,
      (s) => {
        s.add(T.sg, "ops-alb-sg", { vpcId: UNKNOWN }, { vpcId: ["main-vpc"] });
        s.add(T.lb, "ops-alb", { loadBalancerType: "application", internal: true, securityGroups: [UNKNOWN], subnets: [UNKNOWN] }, { securityGroups: ["ops-alb-sg"], subnets: ["acme-app-a"] });
        s.add(T.tg, "winrm-tg", { vpcId: UNKNOWN, protocol: "HTTPS", port: 5986 }, { vpcId: ["main-vpc"] });
        s.add(T.listener, "ops-https", { loadBalancerArn: UNKNOWN, port: 443, protocol: "HTTPS", defaultActions: [{ type: "forward", targetGroupArn: UNKNOWN }] }, { loadBalancerArn: ["ops-alb"], defaultActions: ["winrm-tg"] });
        attach(s, "winrm-att", "winrm-tg", "acme-worker");
        s.add(T.sgIngress, "acme-winrm-from-ops-alb", { securityGroupId: UNKNOWN, referencedSecurityGroupId: UNKNOWN, ipProtocol: "tcp", fromPort: 5986, toPort: 5986 }, { securityGroupId: ["acme-app-sg"], referencedSecurityGroupId: ["ops-alb-sg"] });
      },
      ["bastion-only-admin acme-winrm-from-ops-alb admin-port-not-from-bastion"],
    ],
  ]);
});

describe("api-fronts-internal-admin / api-to-data-port: an API reaches an internal endpoint through a VPC link", () => {
  const HTTP_PRIVATE = "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html";
  const REST_PRIVATE = "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-private-integration.html";
  const HTTP_AUTH = "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html";
  const REST_PRIVATE_API = "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-apis.html";
  const A = {
    api: "aws:apigatewayv2/api:Api",
    route: "aws:apigatewayv2/route:Route",
    integ: "aws:apigatewayv2/integration:Integration",
    link: "aws:apigatewayv2/vpcLink:VpcLink",
    rest: "aws:apigateway/restApi:RestApi",
    res: "aws:apigateway/resource:Resource",
    method: "aws:apigateway/method:Method",
    restInteg: "aws:apigateway/integration:Integration",
    restLink: "aws:apigateway/vpcLink:VpcLink",
  };
  const NPE = "no-public-entry-points";
  /** An internal ALB with an HTTPS listener forwarding to `tg` (port `tgPort`, optional tags on the group). */
  const internalAlb = (s: Stack, tgPort: number, tgTags?: Record<string, string>) => {
    s.add(T.sg, "ops-alb-sg", { vpcId: UNKNOWN }, { vpcId: ["main-vpc"] });
    s.add(T.lb, "ops-alb", { loadBalancerType: "application", internal: true, securityGroups: [UNKNOWN], subnets: [UNKNOWN] }, { securityGroups: ["ops-alb-sg"], subnets: ["acme-app-a"] });
    s.add(T.tg, "ops-tg", { vpcId: UNKNOWN, protocol: "HTTP", port: tgPort, ...(tgTags ? { tags: tgTags } : {}) }, { vpcId: ["main-vpc"] });
    s.add(T.listener, "ops-https", { loadBalancerArn: UNKNOWN, port: 443, protocol: "HTTPS", defaultActions: [{ type: "forward", targetGroupArn: UNKNOWN }] }, { loadBalancerArn: ["ops-alb"], defaultActions: ["ops-tg"] });
  };
  /** An HTTP API with one route integrated through a VPC link with the internal ALB's listener. */
  const httpApi = (s: Stack, routeKey: string, auth: Record<string, any>) => {
    s.add(A.api, "shop-api", { protocolType: "HTTP" });
    s.add(A.link, "ops-link", { subnetIds: [UNKNOWN], securityGroupIds: [UNKNOWN] }, { subnetIds: ["acme-app-a"], securityGroupIds: ["ops-alb-sg"] });
    s.add(A.integ, "ops-integration", { apiId: UNKNOWN, integrationType: "HTTP_PROXY", integrationMethod: "ANY", connectionType: "VPC_LINK", connectionId: UNKNOWN, integrationUri: UNKNOWN }, { apiId: ["shop-api"], connectionId: ["ops-link"], integrationUri: ["ops-https"] });
    s.add(A.route, "ops-route", { apiId: UNKNOWN, routeKey, target: UNKNOWN, ...auth }, { apiId: ["shop-api"], target: ["ops-integration"] });
  };
  /** A REST API method on /<part> integrated through a VPC link with an internal NLB listener on `port` → tg on `tgPort`. */
  const restApi = (s: Stack, part: string, port: number, tgPort: number, method: Record<string, any>, api: Record<string, any> = {}) => {
    s.add(T.lb, "ops-nlb", { loadBalancerType: "network", internal: true, subnets: [UNKNOWN] }, { subnets: ["acme-app-a"] });
    s.add(T.tg, "ops-nlb-tg", { vpcId: UNKNOWN, protocol: "TCP", port: tgPort }, { vpcId: ["main-vpc"] });
    s.add(T.listener, "ops-tcp", { loadBalancerArn: UNKNOWN, port, protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: UNKNOWN }] }, { loadBalancerArn: ["ops-nlb"], defaultActions: ["ops-nlb-tg"] });
    s.add(A.rest, "ops-rest", { name: "ops", ...api });
    s.add(A.restLink, "ops-rest-link", { name: "ops", targetArns: [UNKNOWN] }, { targetArns: ["ops-nlb"] });
    s.add(A.res, "ops-res", { restApi: UNKNOWN, parentId: UNKNOWN, pathPart: part }, { restApi: ["ops-rest"], parentId: ["ops-rest"] });
    s.add(A.method, "ops-method", { restApi: UNKNOWN, resourceId: UNKNOWN, httpMethod: "GET", ...method }, { restApi: ["ops-rest"], resourceId: ["ops-res"] });
    s.add(A.restInteg, "ops-rest-integration", { restApi: UNKNOWN, resourceId: UNKNOWN, httpMethod: "GET", type: "HTTP_PROXY", integrationHttpMethod: "GET", connectionType: "VPC_LINK", connectionId: UNKNOWN, uri: `http://ops-nlb.internal:${port}/` }, { restApi: ["ops-rest"], resourceId: ["ops-res"], connectionId: ["ops-rest-link"] });
  };

  table([
    [`an HTTP API route "ANY /admin/{proxy+}" with authorizationType NONE → VPC link → internal ALB (${HTTP_PRIVATE})`,
      (s) => { internalAlb(s, 8080); httpApi(s, "ANY /admin/{proxy+}", { authorizationType: "NONE" }); },
      [`${R} ops-route api-fronts-internal-admin`, `${NPE} ops-route unauthenticated-api-route`]],
    [`the $default route without authorization → VPC link → an internal ALB whose target group is tagged bulkhead:role=admin (${HTTP_PRIVATE})`,
      (s) => { internalAlb(s, 8080, { "bulkhead:role": "admin" }); httpApi(s, "$default", {}); },
      [`${R} ops-route api-fronts-internal-admin`, `${NPE} ops-route unauthenticated-api-route`]],
    [`a REST method (authorization NONE) → VPC link → internal NLB:2222 → target group on SSH (${REST_PRIVATE})`,
      (s) => restApi(s, "status", 2222, 22, { authorization: "NONE" }),
      [`${R} ops-method api-fronts-internal-admin`, `${NPE} ops-method unauthenticated-api-method`]],
    [`a REST method (authorization NONE) → VPC link → internal NLB → PostgreSQL (${REST_PRIVATE})`,
      (s) => restApi(s, "reports", 5432, 5432, { authorization: "NONE" }),
      [`${R} ops-method api-to-data-port`, `${NPE} ops-method unauthenticated-api-method`]],
  ]);
  table([
    [`hardened: the admin route with a JWT authorizer (${HTTP_AUTH})`,
      (s) => { internalAlb(s, 8080); httpApi(s, "ANY /admin/{proxy+}", { authorizationType: "JWT", authorizerId: UNKNOWN }); }, []],
    [`hardened: the admin route with AWS_IAM authorization (${HTTP_AUTH})`,
      (s) => { internalAlb(s, 8080); httpApi(s, "ANY /admin/{proxy+}", { authorizationType: "AWS_IAM" }); }, []],
    [`hardened: a PRIVATE REST API (reachable only through VPC endpoints) in front of the SSH NLB (${REST_PRIVATE_API})`,
      (s) => restApi(s, "status", 2222, 22, { authorization: "NONE" }, { endpointConfiguration: { types: "PRIVATE" } }), []],
    [`the REST VPC link's URI names another port than the SSH listener's: no hop to SSH (the open method is still no-public-entry-points') (${REST_PRIVATE})`,
      (s) => {
        restApi(s, "status", 2222, 22, { authorization: "NONE" });
        s.set("ops-rest-integration", { uri: "http://ops-nlb.internal:8080/" });
      }, [`${NPE} ops-method unauthenticated-api-method`]],
  ]);

  it("the hop model joins route → integration → VPC link → listener, and the path names every hop", () => {
    const s = hardened();
    internalAlb(s, 8080);
    httpApi(s, "ANY /admin/{proxy+}", { authorizationType: "NONE" });
    const hops = buildModel(s.resources).hops();
    expect(hops.apis.map((a) => [a.entryUrn, a.entryPath, a.auth, a.vpcLinkUrn, a.listeners.map((l) => l.urn)])).toEqual([[s.urn("ops-route"), "/admin/{proxy+}", "none", s.urn("ops-link"), [s.urn("ops-https")]]]);
    expect(hops.apiPathText(hops.apis[0], hops.apis[0].listeners[0], hops.tgByUrn(s.urn("ops-tg")))).toBe(
      'internet → api apigatewayv2.Api shop-api "ANY /admin/{proxy+}" (no authorization) → vpc link apigatewayv2.VpcLink ops-link → alb lb.LoadBalancer ops-alb:443 → tg lb.TargetGroup ops-tg:8080 (proxied)',
    );
  });
});
