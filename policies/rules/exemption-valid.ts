import type { RuleDefinition } from "../model";
import { indexTagExemptions, todayUtc } from "../model/exemptions";
import { RULE_IDS } from "./ids";

/**
 * Broken `bulkhead:exempt:*` tags, each a violation on the resource that carries it. Broken config exemptions are
 * reported under this rule's id by the policy whose config holds them (only that policy sees its config).
 */
export const rule: RuleDefinition = {
  meta: {
    id: "exemption-valid",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: [],
    why: "An exemption without a reason, with a malformed date or past its expiry is a door someone forgot to close.",
    fix: "Give the exemption a reason and a future date (tag bulkhead:exempt:<rule-id> = `<YYYY-MM-DD> <reason>`, or a config entry {resource, reason, expires}), or remove it and fix the finding.",
  },
  check(model) {
    return indexTagExemptions(model.resources, RULE_IDS, todayUtc()).tagProblems.map((p) => ({ urn: p.urn!, kind: "finding", data: {}, message: p.message, fix: p.fix }));
  },
};
