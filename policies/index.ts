/**
 * Entry of the bulkhead CrossGuard pack: `pulumi preview --policy-pack policies` and `bulkhead check` load the
 * compiled policies/dist/index.js. Constructing the PolicyPack starts the analyzer's gRPC server, so benches and
 * tests import ./pack instead.
 */
import { PolicyPack } from "@pulumi/policy";
import { makePolicies } from "./pack";

new PolicyPack("bulkhead", { policies: makePolicies() });
