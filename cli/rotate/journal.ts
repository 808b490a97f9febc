/**
 * The run journal of `bulkhead rotate`: which secrets a run touched and how each ended, written after every
 * change (write to a temp file, then rename: a crash leaves the previous complete journal). `--resume` reads
 * it and finishes only what did not end well.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { InventoryReply, VerifyReply } from "../../rotation/handler";
import type { SecretResult, Selection } from "./fleet";

export const JOURNAL_DIR = ".bulkhead";
export const JOURNAL_VERSION = 1;

/** A master secret's rotation in breach mode. */
export interface MasterEntry {
  arn: string;
  status: "pending" | "rotated" | "failed" | "skipped";
  previousVersion: string | null;
  newVersion: string | null;
  reason: string | null;
}

/** One app secret in the journal. `result` is its last rotation; breach mode adds its phases. */
export interface JournalEntry {
  arn: string;
  name: string;
  tenant: string | null;
  /** `started` while in flight: a journal that still says so was interrupted. */
  status: "started" | SecretResult["status"];
  result: SecretResult | null;
  breach?: {
    inventory: InventoryReply | null;
    functionArn: string | null;
    pass1: SecretResult | null;
    /** When pass 1 ended, ms since the epoch: pass 2 waits from here. */
    pass1EndedAt: number | null;
    pass2: SecretResult | null;
    verify: VerifyReply | null;
    /** Why the secret stopped where it did; null while it goes on or when it finished. */
    reason: string | null;
  };
}

export interface Journal {
  version: typeof JOURNAL_VERSION;
  command: "rotate";
  breach: boolean;
  startedAt: string;
  updatedAt: string;
  /** Every run that wrote to this journal, oldest first (a resume appends). */
  runs: Array<{ startedAt: string; resume: boolean }>;
  selection: Selection;
  appCacheTtlSeconds?: number;
  waitSeconds?: number;
  secrets: Record<string, JournalEntry>;
  masters: Record<string, MasterEntry>;
}

export function defaultJournalPath(cwd: string, startedAt: string): string {
  return path.join(cwd, JOURNAL_DIR, `rotate-journal-${startedAt.replace(/[:.]/g, "-")}.json`);
}

/** The newest journal in `<cwd>/.bulkhead/`, or undefined. Names sort by their ISO timestamp. */
export function latestJournal(cwd: string): string | undefined {
  const dir = path.join(cwd, JOURNAL_DIR);
  if (!existsSync(dir)) return undefined;
  const names = readdirSync(dir).filter((n) => /^rotate-journal-.*\.json$/.test(n)).sort();
  return names.length > 0 ? path.join(dir, names[names.length - 1]!) : undefined;
}

export function writeJournal(file: string, journal: Journal): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(journal, null, 2) + "\n", { mode: 0o600 });
  renameSync(tmp, file);
}

export function readJournal(file: string): Journal {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`journal ${file} cannot be read: ${(err as Error).message}`);
  }
  const j = value as Partial<Journal>;
  if (!j || j.command !== "rotate" || j.version !== JOURNAL_VERSION || typeof j.secrets !== "object" || j.secrets === null) {
    throw new Error(`journal ${file} is not a bulkhead rotate journal (version ${JOURNAL_VERSION})`);
  }
  return { masters: {}, runs: [], ...j } as Journal;
}
