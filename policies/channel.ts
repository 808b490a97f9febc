/**
 * The structured side channel pack → engine. A Pulumi policy diagnostic carries text only; the bulkhead engine needs
 * the finding as data (kind, data, path, door, exemption), so the pack records every diagnostic it reports here as
 * well, and the engine matches each gRPC diagnostic to its record by (policy, urn, reported message). Under the
 * Pulumi CLI neither end point exists and nothing is recorded: the CLI shows the text, which stays complete.
 *
 * - In process (the engine loaded the pack with require): the engine puts a DiagnosticSink on `globalThis` under
 *   `Symbol.for(SINK_KEY)` before loading the pack.
 * - `--isolated` (run-policy-pack in its own process): the engine names a file in the env var RECORDS_FILE_ENV; the
 *   pack appends one JSON line per record (first a HELLO line when the pack is created).
 *
 * A pack that says hello promises a record for every diagnostic: a diagnostic without one is a bug the engine
 * reports. A pack that never says hello (another team's pack) is read as text only.
 */
import type { Exemption } from "./model/exemptions";

/** Version of the record format: the engine refuses records of another version. */
export const CHANNEL_VERSION = "bulkhead-diagnostics/2";
export const SINK_KEY = "bulkhead.diagnostic-sink";
export const RECORDS_FILE_ENV = "BULKHEAD_DIAGNOSTIC_RECORDS";

/** One reported diagnostic as data. */
export interface DiagnosticRecord {
  policy: string;
  /** The URN the diagnostic is reported on ("" when none: a config problem with no resource). */
  urn: string;
  /** The finding's stable kind; absent for exemption-config problems (they are text by nature). */
  kind?: string;
  data?: Record<string, unknown>;
  /** Property path on `urn` that opens the door. */
  path?: string;
  /** The door the finding is about (policies/model/doors.ts); findings about the same grant share it. */
  door: string;
  /** Set when a valid exemption turned the finding advisory. */
  exemption?: Exemption;
  /** The level the pack set on the report; absent when the SDK applies the policy's configured level. */
  enforcement?: "mandatory" | "advisory";
  /** The finding's text without the exemption line. */
  message: string;
  /** How to fix it, alone (the end of `message`); absent when the finding states no fix. */
  fix?: string;
  /** The exact message sent as the gRPC diagnostic (the key the engine matches on). */
  reported: string;
}

/** A rule as reports show it beside its findings (the policy's description says the same in prose). */
export interface RuleCard {
  id: string;
  /** The rule's general fix (a finding's own `fix` is more specific). */
  fix: string;
  /** AWS Security Hub FSBP / CIS control ids. */
  controls: string[];
  /** Rules whose findings on the same door this rule's fix also clears (RuleMeta.resolves). */
  resolves: string[];
}

/** The in-process end point the engine installs. */
export interface DiagnosticSink {
  hello(version: string, rules: RuleCard[]): void;
  record(r: DiagnosticRecord): void;
}

export type ChannelLine = { hello: string; rules: RuleCard[] } | { record: DiagnosticRecord };
