/**
 * docs/contract.md as JSON Schemas: the documents `check`, `preview`, `fleet check` and `rotate` print under
 * `--format json`, and the error document of an exit-2 run. Required keys and enumerations are what the contract
 * promises; extra keys are allowed everywhere, because the contract is "extended, never broken". Tests validate
 * the commands' real output against these (test/engine/cli.test.ts, engine.test.ts, test/docs/contract.test.ts).
 */
import Ajv from "ajv";
import { expect } from "vitest";

const nullable = (schema: object) => ({ anyOf: [schema, { type: "null" }] });
const str = { type: "string" };
const int = { type: "integer", minimum: 0 };
const num = { type: "number" };

const ERROR_KINDS = [
  "usage", "project", "stack-config", "syntax", "type", "module-not-found", "component-args", "program", "lost-registration",
  "unanswered-invoke", "unanswered-stack-reference", "policy-config", "policy-pack", "output", "aws", "internal",
];

const errorBody = {
  type: "object",
  required: ["kind", "message", "source", "hint"],
  properties: { kind: { enum: ERROR_KINDS }, message: { type: "string", minLength: 1 }, source: nullable(str), hint: nullable(str) },
};

const violation = {
  type: "object",
  required: ["policy", "enforcement", "resource", "message", "door"],
  properties: {
    policy: str,
    enforcement: { enum: ["mandatory", "advisory"] },
    resource: {
      type: "object",
      required: ["urn", "type", "name", "source"],
      properties: { urn: { type: "string", pattern: "^urn:pulumi:" }, type: str, name: str, source: nullable({ type: "string", pattern: ":\\d+$" }) },
    },
    message: str,
    kind: str,
    data: { type: "object" },
    path: str,
    door: { type: "string", pattern: "^door-[0-9a-f]+$" },
    exemption: { type: "object", required: ["reason", "expires"], properties: { reason: str, expires: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" } } },
  },
};

const unexpanded = { type: "array", items: { type: "object", required: ["type", "count"], properties: { type: str, count: int } } };

const cost = {
  type: "object",
  required: ["project", "stack", "currency", "priceTable", "region", "total", "unallocated", "tenants", "shared", "resources", "unpriced", "usageOnly"],
  properties: {
    currency: { const: "USD" },
    priceTable: { type: "object", required: ["asOf", "region", "hoursPerMonth"] },
    region: nullable(str),
    total: num,
    unallocated: num,
    tenants: { type: "array", items: { type: "object", required: ["tenant", "kind", "own", "shared", "total"], properties: { kind: { enum: ["pooled", "dedicated-db", "silo"] } } } },
    shared: { type: "array", items: { type: "object", required: ["id", "label", "monthly", "rule", "tenants", "perTenant"], properties: { rule: { enum: ["uses", "platform"] } } } },
    resources: { type: "array", items: { type: "object", required: ["urn", "type", "name", "owner", "monthly", "items"] } },
    unpriced: { type: "array", items: { type: "object", required: ["urn", "type", "name", "owner", "reason"] } },
    usageOnly: { type: "array", items: { type: "object", required: ["type", "count", "billedBy"] } },
  },
};

const counts = {
  type: "object",
  required: ["resources", "toCreate", "doors", "findings", "mandatory", "advisory", "exempted"],
  properties: { resources: int, toCreate: int, doors: int, findings: int, mandatory: int, advisory: int, exempted: int },
};

export const SCHEMAS = {
  error: { type: "object", required: ["error"], additionalProperties: false, properties: { error: errorBody } },
  check: {
    type: "object",
    required: ["resources", "doors", "counts", "violations", "unexpanded"],
    properties: { resources: int, doors: int, counts, violations: { type: "array", items: violation }, unexpanded, cost },
  },
  preview: {
    type: "object",
    required: ["resources", "outputs"],
    properties: {
      resources: {
        type: "array",
        items: {
          type: "object",
          required: ["urn", "type", "name", "parent", "provider", "inputs", "source"],
          properties: { urn: str, type: str, name: str, parent: nullable(str), provider: nullable(str), inputs: { type: "object" }, source: nullable(str) },
        },
      },
      outputs: { type: "object" },
      invokes: { type: "array", items: { type: "object", required: ["token", "answeredBy", "args", "result"] } },
      unexpanded,
      doors: int,
      violations: { type: "array", items: violation },
    },
  },
  fleetCheck: {
    type: "object",
    required: ["platform", "tenantStacks", "summary"],
    definitions: {
      stack: {
        type: "object",
        required: ["project", "stack", "role", "status", "resources", "mandatory", "advisory", "exempted"],
        properties: {
          role: { enum: ["platform", "tenants"] },
          status: { enum: ["checked", "failed", "skipped"] },
          violations: { type: "array", items: violation },
          error: errorBody,
        },
      },
    },
    properties: {
      platform: { $ref: "#/definitions/stack" },
      tenantStacks: { type: "array", items: { $ref: "#/definitions/stack" } },
      summary: {
        type: "object",
        required: ["stacks", "checked", "failed", "skipped", "resources", "mandatory", "advisory", "exempted", "concurrency", "ms"],
      },
    },
  },
  rotate: {
    type: "object",
    required: ["command", "mode", "dryRun", "resume", "selection", "journal", "startedAt", "finishedAt", "summary", "secrets"],
    properties: {
      command: { const: "rotate" },
      mode: { enum: ["rotate", "breach"] },
      dryRun: { type: "boolean" },
      resume: { type: "boolean" },
      selection: { type: "object", required: ["all", "tenants", "secrets"] },
      journal: nullable(str),
      summary: {
        type: "object",
        required: ["total", "rotated", "would-rotate", "failed", "timed-out", "in-progress", "alreadyDone"],
      },
      tenants: { type: "array", items: { type: "object", required: ["tenant", "status", "oldCredentialsStillLogIn", "secrets"] } },
      secrets: {
        type: "array",
        items: {
          type: "object",
          required: ["arn", "name", "tenant", "status"],
          properties: { status: { enum: ["rotated", "would-rotate", "failed", "timed-out", "in-progress"] }, reason: nullable(str) },
        },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = Object.fromEntries(Object.entries(SCHEMAS).map(([k, s]) => [k, ajv.compile(s)])) as Record<keyof typeof SCHEMAS, ReturnType<Ajv["compile"]>>;

/** Asserts that a parsed document is the contract's `name` document; the failure lists every mismatch. */
export function expectContract(name: keyof typeof SCHEMAS, doc: unknown): void {
  const validate = validators[name];
  const ok = validate(doc);
  expect(ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`), `${name} document against docs/contract.md`).toEqual([]);
}
