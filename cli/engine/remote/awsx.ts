/**
 * @pulumi/awsx 1.x–3.x (the multi-language provider, `awsx:<module>:<Type>`): the children each component's provider
 * creates and the defaults it fills in, per the provider's sources (pulumi/pulumi-awsx `awsx/`).
 */
import { createHash } from "node:crypto";
import { ConstructContext, Outputs, ref, valueOf, type Child } from "./context";
import { defaultVpc } from "./defaults";
import { compact, derive, field, isUnknown, items, path, plain, referencedUrn, UNKNOWN, type Wire, sha1 } from "./wire";

const WORLD_INGRESS = [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }];
const WORLD_EGRESS_TCP = [{ fromPort: 0, toPort: 65535, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }];

function versionAtLeast(version: string, min: string): boolean {
  const a = version.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  const b = min.split(".").map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** The first awsx release assumed to honour FargateService's assignPublicIp without a network configuration. */
export const HONOURS_ASSIGN_PUBLIC_IP = "3.10.0";


// ---- ec2.Vpc -----------------------------------------------------------------------------------------------

const VPC_PASSTHROUGH = [
  "assignGeneratedIpv6CidrBlock",
  "enableDnsHostnames",
  "enableDnsSupport",
  "enableNetworkAddressUsageMetrics",
  "instanceTenancy",
  "ipv4IpamPoolId",
  "ipv4NetmaskLength",
  "ipv6CidrBlock",
  "ipv6CidrBlockNetworkBorderGroup",
  "ipv6IpamPoolId",
  "ipv6NetmaskLength",
];

type SubnetType = "Public" | "Private" | "Isolated";
interface Spec {
  type: SubnetType;
  name: string;
  cidrMask?: number;
  tags?: Wire;
}

function ipToInt(ip: string): number {
  return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}
function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

/**
 * The legacy allocator awsx uses by default (subnetStrategy "Legacy"): the VPC block split evenly between the zones,
 * then in each zone private, public and isolated blocks in that order (/19, /20, /24 unless a cidrMask is given),
 * each after the previous one. Other strategies are laid out the same way (an approximation: their exact packing
 * differs, the subnets' kinds, routes and zones do not).
 */
function layoutSubnets(vpcName: string, cidr: string, zones: string[], specs: Spec[] | undefined) {
  const [base, maskText] = cidr.split("/");
  const mask = Number(maskText);
  const zoneBits = Math.ceil(Math.log2(Math.max(1, zones.length)));
  const zoneMask = mask + zoneBits;
  const out: Array<{ zone: string; zoneIndex: number; type: SubnetType; name: string; cidrBlock: string; tags?: Wire }> = [];
  const list: Spec[] = specs ?? [
    { type: "Private", name: "private" },
    { type: "Public", name: "public" },
  ];
  const defaultMask: Record<SubnetType, number> = { Private: 19, Public: 20, Isolated: 24 };
  const order: SubnetType[] = ["Private", "Public", "Isolated"];
  zones.forEach((zone, i) => {
    const zoneStart = ipToInt(base) + i * 2 ** (32 - zoneMask);
    let next = zoneStart;
    for (const type of order) {
      for (const s of list.filter((x) => x.type === type)) {
        const m = s.cidrMask ?? (specs ? Math.max(zoneMask + (list.length === 1 ? 0 : 1), defaultMask[type]) : zoneMask + (type === "Private" ? 1 : 2));
        const size = 2 ** (32 - m);
        next = Math.ceil(next / size) * size;
        out.push({ zone, zoneIndex: i, type, name: `${vpcName}-${s.name}-${i + 1}`, cidrBlock: `${intToIp(next)}/${m}`, ...(s.tags !== undefined ? { tags: s.tags } : {}) });
        next += size;
      }
    }
  });
  return out;
}

export async function vpc(ctx: ConstructContext, out: Outputs): Promise<void> {
  const name = ctx.name;
  const zoneNames = items(ctx.arg("availabilityZoneNames"));
  const count = Number(plain(ctx.arg("numberOfAvailabilityZones")) ?? 3);
  const zones = zoneNames?.length ? zoneNames.map((z) => String(plain(z))) : ctx.env.zones.slice(0, count);
  const cidr = plain(ctx.arg("cidrBlock"));
  const cidrBlock = typeof cidr === "string" && !isUnknown(cidr) ? cidr : ctx.has("ipv4IpamPoolId") ? undefined : "10.0.0.0/16";
  const userTags = plain(ctx.arg("tags"));
  const sharedTags = { Name: name, ...(userTags && typeof userTags === "object" ? (userTags as object) : {}) };
  const strategy = String(plain(path(ctx.arg("natGateways"), "strategy")) ?? "OnePerAz").toLowerCase();
  const eipIds = items(path(ctx.arg("natGateways"), "elasticIpAllocationIds")) ?? [];

  const vpcInputs: Record<string, unknown> = { cidrBlock, tags: sharedTags };
  for (const k of VPC_PASSTHROUGH) if (ctx.has(k)) vpcInputs[k] = ctx.arg(k);
  const vpcRes = await ctx.child("aws:ec2/vpc:Vpc", name, compact(vpcInputs), { deps: { tags: ctx.argDeps("tags") } });
  const igw = await ctx.child("aws:ec2/internetGateway:InternetGateway", name, { vpcId: ref(vpcRes), tags: sharedTags }, { parent: vpcRes, dependsOn: [vpcRes] });

  for (const spec of items(ctx.arg("vpcEndpointSpecs")) ?? []) {
    const s = plain(spec) as Record<string, Wire>;
    await ctx.child(
      "aws:ec2/vpcEndpoint:VpcEndpoint",
      String(plain(s.serviceName)),
      compact({ ...s, vpcId: ref(vpcRes) }),
      { parent: vpcRes, dependsOn: [vpcRes] },
    );
  }

  const specsIn = items(ctx.arg("subnetSpecs"));
  const specs: Spec[] | undefined = specsIn?.length
    ? specsIn.map((s) => {
        const t = String(plain(field(s, "type")) ?? "Private");
        const type = (t[0].toUpperCase() + t.slice(1).toLowerCase()) as SubnetType;
        const cm = plain(field(s, "cidrMask")) ?? plain(field(s, "size"));
        return { type, name: String(plain(field(s, "name")) ?? type.toLowerCase()), ...(typeof cm === "number" ? { cidrMask: cm } : {}), tags: field(s, "tags") };
      })
    : undefined;
  const layout = cidrBlock ? layoutSubnets(name, cidrBlock, zones, specs?.filter((s) => (s.type as string) !== "Unused")) : [];
  const subnetsOf: Record<SubnetType, Child[]> = { Public: [], Private: [], Isolated: [] };
  const nats: Child[] = [];
  const made: Record<"subnets" | "routeTables" | "routeTableAssociations" | "routes" | "eips", Child[]> = { subnets: [], routeTables: [], routeTableAssociations: [], routes: [], eips: [] };
  // Public subnets first in each zone: a private subnet's route needs its zone's NAT gateway.
  const sorted = [...layout].sort((a, b) => a.zoneIndex - b.zoneIndex || ["Public", "Private", "Isolated"].indexOf(a.type) - ["Public", "Private", "Isolated"].indexOf(b.type));
  for (const s of sorted) {
    const subnetTags = { ...sharedTags, ...((plain(s.tags) as object) ?? {}), Name: s.name, SubnetType: s.type };
    const subnet = await ctx.child(
      "aws:ec2/subnet:Subnet",
      s.name,
      { vpcId: ref(vpcRes), availabilityZone: s.zone, mapPublicIpOnLaunch: s.type === "Public", cidrBlock: s.cidrBlock, tags: subnetTags },
      { parent: vpcRes, dependsOn: [vpcRes] },
    );
    subnetsOf[s.type].push(subnet);
    made.subnets.push(subnet);
    const table = await ctx.child("aws:ec2/routeTable:RouteTable", s.name, { vpcId: ref(vpcRes), tags: { ...sharedTags, Name: s.name, SubnetType: s.type } }, { parent: subnet, dependsOn: [subnet] });
    made.routeTables.push(table);
    made.routeTableAssociations.push(await ctx.child("aws:ec2/routeTableAssociation:RouteTableAssociation", s.name, { routeTableId: ref(table), subnetId: ref(subnet) }, { parent: table, dependsOn: [table] }));
    if (s.type === "Public" && strategy !== "none" && (strategy === "oneperaz" || nats.length === 0) && nats.length <= s.zoneIndex) {
      const n = `${name}-${s.zoneIndex + 1}`;
      let allocationId: unknown = eipIds[nats.length];
      if (allocationId === undefined) {
        const eip = await ctx.child("aws:ec2/eip:Eip", n, { tags: { ...((userTags as object) ?? {}), Name: n } }, { parent: subnet, dependsOn: [subnet] });
        allocationId = ref(eip, "allocationId");
        made.eips.push(eip);
      }
      nats.push(await ctx.child("aws:ec2/natGateway:NatGateway", n, { subnetId: ref(subnet), allocationId, tags: { ...((userTags as object) ?? {}), Name: n } }, { parent: subnet, dependsOn: [subnet] }));
    }
    if (s.type === "Public") {
      made.routes.push(await ctx.child("aws:ec2/route:Route", s.name, { routeTableId: ref(table), gatewayId: ref(igw), destinationCidrBlock: "0.0.0.0/0" }, { parent: table, dependsOn: [table] }));
    } else if (s.type === "Private" && strategy !== "none" && nats.length) {
      const nat = strategy === "single" ? nats[0] : nats[Math.min(s.zoneIndex, nats.length - 1)];
      made.routes.push(await ctx.child("aws:ec2/route:Route", s.name, { routeTableId: ref(table), natGatewayId: ref(nat), destinationCidrBlock: "0.0.0.0/0" }, { parent: table, dependsOn: [table] }));
    }
  }
  out.of("vpcId", vpcRes);
  out.resource("vpc", vpcRes);
  out.resource("internetGateway", igw);
  out.resources("natGateways", nats);
  for (const [k, list] of Object.entries(made)) out.resources(k, list);
  out.list("publicSubnetIds", subnetsOf.Public);
  out.list("privateSubnetIds", subnetsOf.Private);
  out.list("isolatedSubnetIds", subnetsOf.Isolated);
}

// ---- ecs task definitions -----------------------------------------------------------------------------------

const EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
const ECS_ASSUME = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Action: "sts:AssumeRole", Principal: { Service: "ecs-tasks.amazonaws.com" }, Effect: "Allow", Sid: "" }],
});

/** A task or execution role as awsx's defaultRoleWithPolicies makes it: skipped, an existing ARN, or a new role. */
async function defaultRole(ctx: ConstructContext, parent: Child | undefined, roleName: string, input: Wire, policies: string[]): Promise<{ arn?: Wire; role?: Child }> {
  if (plain(field(input, "skip")) === true) return {};
  const arn = field(input, "roleArn");
  if (arn !== undefined) return { arn };
  const args = (plain(field(input, "args")) as Record<string, Wire>) ?? {};
  const assume = args.assumeRolePolicy;
  const role = await ctx.child(
    "aws:iam/role:Role",
    roleName,
    { ...args, assumeRolePolicy: assume === undefined ? ECS_ASSUME : typeof plain(assume) === "string" ? assume : derive([assume], (a) => JSON.stringify(a)) },
    { parent },
  );
  const arns = (args.policyArns === undefined ? policies : items(args.policyArns) ?? []).map(plain);
  for (const p of arns) {
    await ctx.child("aws:iam/rolePolicyAttachment:RolePolicyAttachment", `${roleName}-${sha1(String(p))}`, { role: ref(role, "name"), policyArn: p }, { parent });
  }
  return { arn: ref(role, "arn"), role };
}

/** awsx's containers → ECS container definitions: the user's fields, port mappings resolved, awslogs by default. */
function containerDefinitions(ctx: ConstructContext, containers: Array<[string, Wire]>, logGroupName: Wire): Wire {
  return derive([containers.map(([, c]) => c), logGroupName], (defs: Array<Record<string, any>>, lg: string | undefined) =>
    JSON.stringify(
      defs.map((c, i) => {
        const name = containers[i][0];
        const { portMappings, logConfiguration, ...rest } = c;
        const def: Record<string, unknown> = { ...rest, name };
        if (portMappings) {
          def.portMappings = (portMappings as Array<Record<string, any>>).map((pm) => {
            const { targetGroup, ...m } = pm;
            const containerPort = m.containerPort ?? (typeof targetGroup === "object" ? targetGroup?.port : undefined);
            return compact({ ...m, containerPort, hostPort: m.hostPort ?? containerPort });
          });
        }
        def.logConfiguration =
          logConfiguration ?? (lg ? { logDriver: "awslogs", options: { "awslogs-group": lg, "awslogs-region": ctx.env.region, "awslogs-stream-prefix": name } } : undefined);
        return compact(def);
      }),
    ),
  );
}

function taskContainers(td: Wire): Array<[string, Wire]> {
  const one = field(td, "container");
  if (one !== undefined && one !== null) return [[String(plain(field(one, "name")) ?? "container"), one]];
  const many = plain(field(td, "containers"));
  if (many && typeof many === "object" && !isUnknown(many)) return Object.entries(many as Record<string, Wire>).map(([k, v]) => [k, field(field(td, "containers"), k) ?? v]);
  return [];
}

interface TaskDefinitionChildren {
  taskDefinition: Child;
  logGroup?: Child;
  taskRole?: Child;
  executionRole?: Child;
}

/** The children of an awsx Fargate/EC2 task definition. */
async function taskDefinition(ctx: ConstructContext, td: Wire, tdName: string, parent: Child | undefined, launch: "FARGATE" | "EC2", deps: string[]): Promise<TaskDefinitionChildren> {
  const lgIn = field(td, "logGroup");
  let logGroupName: Wire;
  let logGroup: Child | undefined;
  if (plain(field(lgIn, "skip")) !== true) {
    const existing = field(lgIn, "existing");
    if (existing !== undefined) logGroupName = field(existing, "name") ?? field(existing, "arn");
    else {
      const lgArgs = (plain(field(lgIn, "args")) as Record<string, Wire>) ?? {};
      // The provider's Check autonames the group, so its name is known at preview; the expansion fills it in the same way.
      logGroup = await ctx.child("aws:cloudwatch/logGroup:LogGroup", tdName, { retentionInDays: 1, ...lgArgs, name: lgArgs.name ?? ctx.autoname(tdName) }, { parent });
      logGroupName = valueOf(logGroup, "name");
    }
  }
  const taskRole = await defaultRole(ctx, parent, `${tdName}-task`, field(td, "taskRole"), []);
  const executionRole = await defaultRole(ctx, parent, `${tdName}-execution`, field(td, "executionRole"), [EXECUTION_POLICY]);
  const taskRoleArn = taskRole.arn;
  const executionRoleArn = executionRole.arn;
  const containers = taskContainers(td);
  const cd = containerDefinitions(ctx, containers, logGroupName);
  const rest = (plain(td) as Record<string, Wire>) ?? {};
  // The awsx-only arguments; the rest are aws.ecs.TaskDefinition's own.
  const args: Record<string, Wire> = {};
  for (const [k, v] of Object.entries(rest)) if (!["container", "containers", "logGroup", "taskRole", "executionRole"].includes(k)) args[k] = v;
  const inputs: Record<string, unknown> = {
    ...args,
    requiresCompatibilities: [launch],
    networkMode: args.networkMode ?? "awsvpc",
    ...(taskRoleArn !== undefined ? { taskRoleArn } : {}),
    ...(executionRoleArn !== undefined ? { executionRoleArn } : {}),
    family: args.family ?? derive([cd], (s: string) => `${tdName}-${sha1(s)}`),
    containerDefinitions: cd,
  };
  if (launch === "FARGATE") {
    if (inputs.cpu === undefined) inputs.cpu = derive([cd], (s: string) => String(fargateSize(JSON.parse(s)).cpu));
    if (inputs.memory === undefined) inputs.memory = derive([cd], (s: string) => String(fargateSize(JSON.parse(s)).memory));
  }
  const taskDefinitionRes = await ctx.child("aws:ecs/taskDefinition:TaskDefinition", tdName, compact(inputs), { parent, deps: { containerDefinitions: deps, family: deps } });
  return { taskDefinition: taskDefinitionRes, logGroup, taskRole: taskRole.role, executionRole: executionRole.role };
}

function taskDefinitionOutputs(out: Outputs, c: TaskDefinitionChildren): void {
  out.resource("taskDefinition", c.taskDefinition);
  out.resource("logGroup", c.logGroup);
  out.resource("taskRole", c.taskRole);
  out.resource("executionRole", c.executionRole);
}

/** Fargate's smallest size that fits the containers (awsx rounds up to a valid cpu/memory pair). */
function fargateSize(defs: Array<{ cpu?: number; memory?: number; memoryReservation?: number }>): { cpu: number; memory: number } {
  const cpu = defs.reduce((a, d) => a + (d.cpu ?? 0), 0);
  const mem = defs.reduce((a, d) => a + (d.memory ?? d.memoryReservation ?? 0), 0);
  const cpus = [256, 512, 1024, 2048, 4096, 8192, 16384];
  const c = cpus.find((x) => x >= cpu) ?? 16384;
  return { cpu: c, memory: Math.max(mem, c * 2) };
}

export function fargateTaskDefinition(launch: "FARGATE" | "EC2") {
  return async (ctx: ConstructContext, out: Outputs): Promise<void> => {
    taskDefinitionOutputs(out, await taskDefinition(ctx, ctx.inputs, ctx.name, undefined, launch, ctx.argDeps("container", "containers")));
  };
}

// ---- ecs services -----------------------------------------------------------------------------------------

const SERVICE_ONLY_ARGS = ["taskDefinitionArgs", "continueBeforeSteadyState", "assignPublicIp", "useClusterDefaultCapacityProviderStrategy"];

export function service(launch: "FARGATE" | "EC2") {
  return async (ctx: ConstructContext, out: Outputs): Promise<void> => {
    const name = ctx.name;
    let taskDef: Wire = ctx.arg("taskDefinition");
    const tdArgs = ctx.arg("taskDefinitionArgs");
    if (tdArgs !== undefined && tdArgs !== null) {
      // awsx nests a (local) task definition component under the service, named like the service.
      const comp = await ctx.child(launch === "FARGATE" ? "awsx:ecs:FargateTaskDefinition" : "awsx:ecs:EC2TaskDefinition", name, {}, { component: true });
      const td = await taskDefinition(ctx, tdArgs, name, comp, launch, ctx.argDeps("taskDefinitionArgs"));
      taskDef = ref(td.taskDefinition, "arn");
      out.resource("taskDefinition", td.taskDefinition);
    }
    let networkConfiguration: unknown = ctx.arg("networkConfiguration");
    if (launch === "FARGATE" && (networkConfiguration === undefined || networkConfiguration === null)) {
      const dv = defaultVpc(ctx.env);
      const sg = await ctx.child("aws:ec2/securityGroup:SecurityGroup", `${name}-sg`, { vpcId: dv.vpcId, ingress: WORLD_INGRESS, egress: WORLD_EGRESS_TCP });
      // Released awsx (through 3.9) places the tasks in the default VPC's public subnets with public IPs whatever
      // assignPublicIp says; the provider's current source lets assignPublicIp (default false) choose the default VPC's
      // private subnets instead. Which release ships that cannot be read offline (the provider is a binary), so
      // releases up to 3.9 keep the public placement: the fail-closed reading.
      const honours = versionAtLeast(ctx.version || "0.0.0", HONOURS_ASSIGN_PUBLIC_IP);
      const assign = honours ? ctx.arg("assignPublicIp") ?? false : true;
      const pub = plain(assign);
      networkConfiguration = {
        subnets: isUnknown(pub) ? UNKNOWN : pub === true ? dv.publicSubnetIds : dv.privateSubnetIds,
        assignPublicIp: assign,
        securityGroups: [ref(sg)],
      };
    }
    const rest: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(ctx.inputs)) if (!SERVICE_ONLY_ARGS.includes(k) && v !== undefined && v !== null) rest[k] = v;
    const cluster = ctx.arg("cluster");
    const strategies = ctx.has("capacityProviderStrategies") || plain(ctx.arg("useClusterDefaultCapacityProviderStrategy")) === true;
    const svc = await ctx.child(
      "aws:ecs/service:Service",
      name,
      compact({
        desiredCount: 1,
        ...rest,
        networkConfiguration,
        cluster,
        launchType: strategies ? undefined : launch,
        waitForSteadyState: !(plain(ctx.arg("continueBeforeSteadyState")) === true),
        taskDefinition: taskDef,
      }),
      { deps: { networkConfiguration: ctx.argDeps("networkConfiguration"), cluster: ctx.argDeps("cluster"), loadBalancers: ctx.argDeps("loadBalancers"), taskDefinition: ctx.argDeps("taskDefinition") } },
    );
    out.resource("service", svc);
  };
}

// ---- load balancers ---------------------------------------------------------------------------------------

const LB_ONLY_ARGS = ["subnetIds", "subnets", "defaultTargetGroup", "defaultTargetGroupPort", "defaultSecurityGroup", "listener", "listeners"];

function listenerProtocol(listener: Wire, defaultPort: Wire, kind: "application" | "network"): { port: Wire; protocol: Wire } {
  const port = field(listener, "port");
  const protocol = field(listener, "protocol");
  if (kind === "network") return { port: port ?? defaultPort ?? 80, protocol: protocol ?? "TCP" };
  if (port !== undefined && protocol !== undefined) return { port, protocol };
  if (port !== undefined) return { port, protocol: derive([port], (p: number) => (p === 443 ? "HTTPS" : "HTTP")) };
  if (protocol !== undefined) return { protocol, port: derive([protocol], (p: string) => (p === "HTTPS" ? 443 : 80)) };
  return { port: defaultPort ?? 80, protocol: "HTTP" };
}

export function loadBalancer(kind: "application" | "network") {
  return async (ctx: ConstructContext, out: Outputs): Promise<void> => {
    const name = ctx.name;
    const lbArgs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(ctx.inputs)) if (!LB_ONLY_ARGS.includes(k) && v !== undefined && v !== null) lbArgs[k] = v;
    let vpcId: Wire = UNKNOWN;
    const subnetDeps = ctx.argDeps("subnetIds", "subnets", "subnetMappings");
    if (ctx.has("subnetIds")) lbArgs.subnets = ctx.arg("subnetIds");
    else if (ctx.has("subnets")) lbArgs.subnets = derive([ctx.arg("subnets")], (ss: unknown[]) => ss);
    else if (!ctx.has("subnetMappings")) {
      const dv = defaultVpc(ctx.env);
      vpcId = dv.vpcId;
      lbArgs.subnets = dv.publicSubnetIds;
    }
    const dsg = ctx.arg("defaultSecurityGroup");
    if (kind === "application" && !ctx.has("securityGroups") && plain(field(dsg, "skip")) !== true) {
      const sgId = field(dsg, "securityGroupId");
      if (sgId !== undefined) lbArgs.securityGroups = [sgId];
      else {
        const sgArgs = field(dsg, "args");
        const sg = await ctx.child(
          "aws:ec2/securityGroup:SecurityGroup",
          name,
          (plain(sgArgs) as Record<string, unknown>) ?? { vpcId, ingress: WORLD_INGRESS, egress: WORLD_EGRESS_TCP },
          { deps: { vpcId: subnetDeps } },
        );
        lbArgs.securityGroups = [ref(sg)];
        out.resource("defaultSecurityGroup", sg);
      }
    }
    lbArgs.loadBalancerType = kind;
    const lb = await ctx.child("aws:lb/loadBalancer:LoadBalancer", name, lbArgs, {
      deps: { subnets: subnetDeps, subnetMappings: ctx.argDeps("subnetMappings"), securityGroups: ctx.argDeps("securityGroups") },
    });
    const listener = ctx.arg("listener");
    const listeners = items(ctx.arg("listeners"));
    const proto = listeners && listeners.length === 1 ? undefined : listenerProtocol(listeners?.[0] ?? listener, ctx.arg("defaultTargetGroupPort"), kind);
    const tgArgs = (plain(ctx.arg("defaultTargetGroup")) as Record<string, unknown>) ?? {};
    const tg = await ctx.child("aws:lb/targetGroup:TargetGroup", name, { vpcId, targetType: "ip", ...(proto ?? {}), ...tgArgs }, { deps: { vpcId: subnetDeps } });
    const defaultActions = [{ type: "forward", targetGroupArn: ref(tg, "arn") }];
    const specs: Wire[] = listeners?.length ? listeners : [listener];
    const made: Child[] = [];
    for (let i = 0; i < specs.length; i++) {
      const own = (plain(specs[i]) as Record<string, unknown>) ?? {};
      const p = listeners?.length ? listenerProtocol(specs[i], undefined, kind) : proto;
      made.push(await ctx.child("aws:lb/listener:Listener", `${name}-${i}`, { defaultActions, ...(p ?? {}), ...own, loadBalancerArn: ref(lb, "arn") }));
    }
    out.resource("loadBalancer", lb);
    out.resource("defaultTargetGroup", tg);
    out.resources("listeners", made);
    out.set("vpcId", vpcId);
  };
}

// ---- ec2.DefaultVpc, ecr ----------------------------------------------------------------------------------

/** awsx.ec2.DefaultVpc looks the default VPC up and creates nothing. */
export async function defaultVpcComponent(ctx: ConstructContext, out: Outputs): Promise<void> {
  const dv = defaultVpc(ctx.env);
  out.set("vpcId", dv.vpcId);
  out.set("publicSubnetIds", dv.publicSubnetIds);
  out.set("privateSubnetIds", dv.privateSubnetIds);
}

/** awsx.ecr.Repository: the repository (lower-cased name) and, unless skipped, a lifecycle policy expiring untagged images. */
export async function ecrRepository(ctx: ConstructContext, out: Outputs): Promise<void> {
  const name = ctx.name.toLowerCase();
  const { lifecyclePolicy, ...repoArgs } = ctx.inputs;
  const repo = await ctx.child("aws:ecr/repository:Repository", name, compact(repoArgs), { deps: Object.fromEntries(Object.keys(repoArgs).map((k) => [k, ctx.argDeps(k)])) });
  out.resource("repository", repo);
  if (plain(field(lifecyclePolicy, "skip")) !== true) {
    const rules = items(field(lifecyclePolicy, "rules"));
    const policy = derive([rules ?? [{ description: "remove untagged images", tagStatus: "untagged", maximumNumberOfImages: 1 }]], (rs: Array<Record<string, any>>) => {
      const ordered = [...rs.filter((r) => r.tagStatus !== "any"), ...rs.filter((r) => r.tagStatus === "any")];
      return JSON.stringify({
        rules: ordered.map((r, i) => ({
          rulePriority: i + 1,
          description: r.description,
          selection: compact({
            tagStatus: r.tagStatus === "any" || r.tagStatus === "untagged" ? r.tagStatus : "tagged",
            tagPrefixList: r.tagStatus === "any" || r.tagStatus === "untagged" ? undefined : r.tagPrefixList,
            ...(r.maximumNumberOfImages !== undefined
              ? { countType: "imageCountMoreThan", countNumber: r.maximumNumberOfImages }
              : { countType: "sinceImagePushed", countNumber: r.maximumAgeLimit, countUnit: "days" }),
          }),
          action: { type: "expire" },
        })),
      });
    });
    const lp = await ctx.child("aws:ecr/lifecyclePolicy:LifecyclePolicy", name, { repository: ref(repo, "name"), policy: rules === undefined && lifecyclePolicy !== undefined && hasUnknownRules(lifecyclePolicy) ? UNKNOWN : policy });
    out.resource("lifecyclePolicy", lp);
  }
  out.of("url", repo, "repositoryUrl");
}

function hasUnknownRules(lp: Wire): boolean {
  return isUnknown(field(lp, "rules"));
}

/**
 * awsx.ecr.Image builds and pushes a container image: a Docker resource, no AWS resource. Its URI (the repository URL
 * with the pushed digest) is known only after the push; outside preview semantics it gets a placeholder digest on the
 * repository's URL, like any other output a preview leaves unknown.
 */
export async function ecrImage(ctx: ConstructContext, out: Outputs): Promise<void> {
  const digest = createHash("sha256").update(ctx.urn).digest("hex");
  out.set("imageUri", ctx.env.unknowns === "preview" ? UNKNOWN : derive([ctx.arg("repositoryUrl")], (url: string) => `${url}@sha256:${digest}`));
}

// ---- lb.TargetGroupAttachment -------------------------------------------------------------------------------

/**
 * awsx 1.x–3.9 `lb.TargetGroupAttachment` (awsx/lb/targetGroupAttachment.ts): the `aws.lb.TargetGroupAttachment` of
 * one instance or Lambda function to a target group, and for a function the Lambda permission letting the target
 * group invoke it. The instance's target id is its id for an `instance` target group and its private IP otherwise;
 * the target group's type is not an input here, so the id stands for both, tied to the instance by its dependency.
 */
export async function targetGroupAttachment(ctx: ConstructContext, out: Outputs): Promise<void> {
  const name = ctx.name;
  const given = (k: string) => ctx.has(k);
  const tgKey = given("targetGroup") ? "targetGroup" : "targetGroupArn";
  const targetKey = ["instance", "instanceId", "lambda", "lambdaArn"].find(given);
  if (!given(tgKey) || !targetKey) throw new Error("exactly one of [targetGroup] or [targetGroupArn], and one of [instance], [instanceId], [lambda] or [lambdaArn], must be provided");
  const idOf = (k: string): Wire => {
    const v = ctx.arg(k);
    const id = referencedUrn(v) ? field(v, "id") : v;
    return id === undefined || id === "" ? UNKNOWN : id;
  };
  const targetGroupArn = idOf(tgKey); // a target group's id is its ARN
  const depsOf = (k: string) => [...new Set([...ctx.argDeps(k), ...(referencedUrn(ctx.arg(k)) ? [String(referencedUrn(ctx.arg(k)))] : [])])];
  const lambda = targetKey === "lambda" || targetKey === "lambdaArn";
  const permission = lambda
    ? await ctx.child(
        "aws:lambda/permission:Permission",
        name,
        { action: "lambda:InvokeFunction", function: idOf(targetKey), principal: "elasticloadbalancing.amazonaws.com", sourceArn: targetGroupArn },
        { deps: { function: depsOf(targetKey), sourceArn: depsOf(tgKey) } },
      )
    : undefined;
  const attachment = await ctx.child(
    "aws:lb/targetGroupAttachment:TargetGroupAttachment",
    name,
    { targetGroupArn, targetId: idOf(targetKey) },
    { deps: { targetGroupArn: depsOf(tgKey), targetId: depsOf(targetKey) }, dependsOn: permission ? [permission] : [] },
  );
  out.resource("targetGroupAttachment", attachment);
  out.resource("lambdaPermission", permission);
}
