/**
 * Symbolic unknowns (the default `--unknowns symbolic`): where a preview would leave an output of a new resource
 * unknown, the engine answers a deterministic, AWS-shaped placeholder that names the resource (see
 * policies/model/placeholders.ts for the token and how the pack reads it back).
 *
 * Which outputs a resource has, and their types, come from the provider package itself: the `readonly x:
 * pulumi.Output<T>` fields of the generated class in its `.d.ts` (the program's own copy of the package when it has
 * one). Only string outputs that name something (ids, ARNs, names, host names, URLs) get a reference placeholder;
 * IP addresses and CIDRs get an opaque unknown that carries their provenance; everything else — numbers, booleans,
 * lists, objects, principals and account ids, credentials, documents, and any string output whose role the name
 * does not make plain — stays the SDK's unknown, exactly as in a preview.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { opaqueUnknown, placeholderToken } from "../../policies/model/placeholders";

/** How the engine answers outputs a preview leaves unknown. */
export type UnknownsMode = "symbolic" | "preview" | "known";
export const UNKNOWNS_MODES: readonly UnknownsMode[] = ["symbolic", "preview", "known"];

/** Id prefixes AWS uses, so placeholder ids look like the real thing in reviews. */
const ID_PREFIXES: Record<string, string> = {
  "aws:ec2/vpc:Vpc": "vpc",
  "aws:ec2/subnet:Subnet": "subnet",
  "aws:ec2/securityGroup:SecurityGroup": "sg",
  "aws:ec2/instance:Instance": "i",
  "aws:ec2/internetGateway:InternetGateway": "igw",
  "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": "eigw",
  "aws:ec2/natGateway:NatGateway": "nat",
  "aws:ec2/routeTable:RouteTable": "rtb",
  "aws:ec2/eip:Eip": "eipalloc",
  "aws:ec2/launchTemplate:LaunchTemplate": "lt",
  "aws:ec2/networkInterface:NetworkInterface": "eni",
  "aws:ec2/networkAcl:NetworkAcl": "acl",
  "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": "pcx",
  "aws:ec2/managedPrefixList:ManagedPrefixList": "pl",
  "aws:ec2transitgateway/transitGateway:TransitGateway": "tgw",
  "aws:ec2transitgateway/vpcAttachment:VpcAttachment": "tgw-attach",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
};

/** Prefixes for `…Id` outputs that name a resource by its kind (a VPC's defaultSecurityGroupId, say). */
const ID_OUTPUT_PREFIXES: Record<string, string> = {
  securityGroup: "sg",
  routeTable: "rtb",
  networkAcl: "acl",
  subnet: "subnet",
  vpc: "vpc",
  networkInterface: "eni",
  allocation: "eipalloc",
  association: "eipassoc",
  instance: "i",
};

/** Services whose ARN namespace differs from the provider module's name. */
const ARN_SERVICES: Record<string, string> = {
  lb: "elasticloadbalancing",
  alb: "elasticloadbalancing",
  elb: "elasticloadbalancing",
  cloudwatch: "logs",
  cognito: "cognito-idp",
  sfn: "states",
  cfg: "config",
  opensearch: "es",
  elasticsearch: "es",
  ec2transitgateway: "ec2",
  vpc: "ec2",
  appautoscaling: "application-autoscaling",
};
const GLOBAL_SERVICES = new Set(["iam", "cloudfront", "route53", "organizations", "waf", "globalaccelerator"]);

/** Words of a camelCase property name, lower-cased. */
function words(prop: string): string[] {
  return prop.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2").toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

/** An IP address or CIDR: its value decides a door, so it is never guessed. */
const ADDRESS_WORDS = new Set(["ip", "ips", "ipv4", "ipv6", "cidr", "cidrs"]);
/** Principals, account ids, credentials and documents: values that decide a door themselves. */
const DECIDING_WORDS = new Set([
  "principal", "owner", "account", "canonical", "unique", "registry", "password", "passwd", "secret", "token",
  "credential", "credentials", "certificate", "signature", "result", "policy", "document", "json", "port",
  "key", "keys", "ciphertext", "plaintext", "sensitive", "auth",
]);
const REFERENCE_LAST = new Set(["id", "arn", "name", "endpoint", "dns", "domain", "url", "uri", "address", "hostname", "host", "suffix"]);

export type OutputClass = "reference" | "address" | "unknown";

/**
 * How a string output is answered: a reference placeholder, an opaque (address) unknown, or the SDK's unknown.
 * `kind` is the class's own name (`bucket` for s3.BucketV2): an output of that name is the resource's name.
 */
export function classifyOutput(prop: string, kind = ""): OutputClass {
  if (kind && prop === kind) return "reference";
  const w = words(prop);
  if (w.some((x) => ADDRESS_WORDS.has(x))) return "address";
  const last = w[w.length - 1];
  // A key's id or ARN names the key (kmsKeyId); the key itself is material.
  const namesSomething = REFERENCE_LAST.has(last) || (last === "suffix" && w.includes("arn"));
  if (!namesSomething) return "unknown";
  if (w.slice(0, -1).some((x) => DECIDING_WORDS.has(x) && x !== "key") || (last !== "id" && last !== "arn" && w.some((x) => x === "key"))) return "unknown";
  return "reference";
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 40) || "r";
}

interface Shapes {
  /** String outputs of the class. */
  strings: string[];
}

/** Reads output names and types from the provider package's generated `.d.ts`, once per type. */
export class OutputShapes {
  private readonly cache = new Map<string, Shapes | null>();
  private readonly pkgDirs = new Map<string, string | null>();

  constructor(private readonly projectDir: string) {}

  private pkgDir(pkg: string): string | null {
    let d = this.pkgDirs.get(pkg);
    if (d === undefined) {
      d = null;
      for (const from of [this.projectDir, __dirname]) {
        try {
          d = path.dirname(require.resolve(`@pulumi/${pkg}/package.json`, { paths: [from] }));
          break;
        } catch {
          // not installed there
        }
      }
      this.pkgDirs.set(pkg, d);
    }
    return d;
  }

  of(type: string): Shapes | null {
    let s = this.cache.get(type);
    if (s !== undefined) return s;
    s = null;
    const m = /^([^:]+):([^:]+):([^:]+)$/.exec(type);
    const dir = m ? this.pkgDir(m[1]) : null;
    if (m && dir) {
      const [mod, file] = m[2].includes("/") ? m[2].split("/") : ["index", m[2]];
      for (const candidate of [path.join(dir, mod, `${file}.d.ts`), path.join(dir, `${file}.d.ts`), path.join(dir, "types", mod, `${file}.d.ts`)]) {
        if (!existsSync(candidate)) continue;
        const text = readFileSync(candidate, "utf8");
        const strings: string[] = [];
        for (const o of text.matchAll(/^\s*readonly (\w+)!?: pulumi\.Output<([^;\n]*)>;?$/gm)) {
          if (/^string( \| undefined)?$/.test(o[2].trim())) strings.push(o[1]);
        }
        s = { strings };
        break;
      }
    }
    this.cache.set(type, s);
    return s;
  }
}

/** `bucket` for aws:s3/bucketV2:BucketV2: the lower-camel class name without a version suffix. */
function ownKind(type: string): string {
  const cls = type.split(":")[2] ?? "";
  const k = cls.replace(/V\d+$/, "");
  return k.charAt(0).toLowerCase() + k.slice(1);
}

/** Context for building placeholders: where the resources live. */
export interface PlaceholderContext {
  region: string;
  accountId: string;
}

function arnService(type: string): string {
  const mod = type.split(":")[1]?.split("/")[0] ?? "";
  if (type === "aws:cloudwatch/logGroup:LogGroup") return "logs";
  if (mod === "cloudwatch") return "cloudwatch";
  return ARN_SERVICES[mod] ?? mod;
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/** A placeholder ARN for one resource (no wildcard, ever: the name part is sanitised). */
export function placeholderArn(type: string, urn: string, name: string, ctx: PlaceholderContext): string {
  const token = placeholderToken(urn);
  const svc = arnService(type);
  const file = type.split(":")[1]?.split("/")[1] ?? "resource";
  const id = `${safeName(name)}-${token}`;
  if (svc === "s3") return `arn:aws:s3:::${id}`;
  if (svc === "logs") return `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${id}`;
  if (svc === "secretsmanager") return `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:${id}`;
  if (svc === "lambda") return `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${id}`;
  if (svc === "sqs" || svc === "sns") return `arn:aws:${svc}:${ctx.region}:${ctx.accountId}:${id}`;
  const region = GLOBAL_SERVICES.has(svc) ? "" : ctx.region;
  return `arn:aws:${svc}:${region}:${ctx.accountId}:${kebab(file)}/${id}`;
}

/** The placeholder id of a new custom resource. */
export function placeholderId(type: string, urn: string, name: string): string {
  const token = placeholderToken(urn);
  const prefix = ID_PREFIXES[type];
  return prefix ? `${prefix}-${token}` : `${safeName(name)}-${token}`;
}

/** The value a reference-like output gets: its shape follows the property's name. */
function referenceValue(prop: string, type: string, urn: string, name: string, inputs: Record<string, unknown>, ctx: PlaceholderContext): string {
  const token = placeholderToken(urn);
  const w = words(prop);
  const last = w[w.length - 1];
  const svc = arnService(type);
  const host = `${safeName(name).toLowerCase()}-${token}.${ctx.region}.${svc}.amazonaws.com`;
  if (prop === "repositoryUrl") return `${ctx.accountId}.dkr.ecr.${ctx.region}.amazonaws.com/${safeName(name).toLowerCase()}-${token}`;
  if (last === "arn" || (last === "suffix" && w.includes("arn"))) return placeholderArn(type, urn, name, ctx);
  if (last === "url" || last === "uri") return `https://${host}/`;
  if (last === "endpoint") return typeof inputs.port === "number" ? `${host}:${inputs.port}` : host;
  if (["dns", "domain", "hostname", "host", "address"].includes(last) || (last === "name" && (w.includes("dns") || w.includes("domain")))) return host;
  if (last === "id") {
    const kind = prop.slice(0, -2);
    const prefix = ID_OUTPUT_PREFIXES[kind] ?? Object.entries(ID_OUTPUT_PREFIXES).find(([k]) => kind.endsWith(k.charAt(0).toUpperCase() + k.slice(1)))?.[1];
    return `${prefix ?? kebab(kind)}-${token}`;
  }
  return `${safeName(name)}-${token}`;
}

/**
 * The outputs a preview would leave unknown that the engine answers symbolically: for each string output of the
 * class not given as an input, a reference placeholder or an opaque unknown (address outputs).
 */
export function symbolicOutputs(
  shapes: OutputShapes,
  r: { type: string; urn: string; name: string },
  inputs: Record<string, unknown>,
  ctx: PlaceholderContext,
): Record<string, string> {
  const out: Record<string, string> = {};
  const s = shapes.of(r.type);
  if (!s) return out;
  for (const prop of s.strings) {
    if (prop in inputs || prop === "id" || prop === "urn") continue;
    const c = classifyOutput(prop, ownKind(r.type));
    if (c === "reference") out[prop] = referenceValue(prop, r.type, r.urn, r.name, inputs, ctx);
    else if (c === "address") out[prop] = opaqueUnknown(prop, r.urn);
  }
  return out;
}

/** `--unknowns` help text, shared by every command that runs a program. */
export const UNKNOWNS_HELP =
  "how outputs a preview leaves unknown are answered: symbolic (placeholders that name their resource; IPs, numbers, booleans, principals and credentials stay unknown), preview (exactly pulumi preview: every output not echoed from the inputs is unknown), known (--assume-known: fake ids and ARNs, for reviews only)";
export const ASSUME_KNOWN_HELP = "same as --unknowns known: deterministic fake ids and ARNs for new resources";
