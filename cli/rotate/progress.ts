/**
 * Progress of a rotate run on stderr that names what is slow: which secret is in which phase and step, and for
 * how long. On a terminal one status line is redrawn; in plain logs a line is written when a secret changes
 * step, when it ends, and every `reportEveryMs` a "still waiting" line naming the slowest secrets.
 */
import type { SecretResult, SelectedSecret } from "./fleet";

interface Active {
  label: string;
  step: string;
  since: number;
}

export interface ProgressOptions {
  write: (text: string) => void;
  isTTY: boolean;
  now: () => number;
  /** Plain logs: how often the "still waiting" line is written. Default 15 s. */
  reportEveryMs?: number;
}

function label(s: SelectedSecret): string {
  return s.tenant ? `${s.name} (tenant ${s.tenant})` : s.name;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

export class Progress {
  private active = new Map<string, Active>();
  private done = 0;
  private bad = 0;
  private total = 0;
  private phase = "";
  private timer: NodeJS.Timeout | undefined;
  private lastReport: number;

  constructor(private readonly o: ProgressOptions) {
    this.lastReport = o.now();
  }

  /** Starts a phase (e.g. "pass 1 of 2") over `total` secrets. */
  begin(phase: string, total: number): void {
    this.phase = phase;
    this.total = total;
    this.done = 0;
    this.bad = 0;
    this.active.clear();
    if (!this.o.isTTY) this.o.write(`${phase}: ${total} secret(s)\n`);
    this.timer ??= setInterval(() => this.tick(), 1000);
    this.timer.unref?.();
  }

  /** A secret entered a step ("RotateSecret", "createSecret", …). */
  step(secret: SelectedSecret, step: string): void {
    const prev = this.active.get(secret.arn);
    const now = this.o.now();
    this.active.set(secret.arn, { label: label(secret), step, since: now });
    if (!this.o.isTTY) {
      this.o.write(`  ${label(secret)}: ${step}${prev ? ` (${prev.step} took ${seconds(now - prev.since)})` : ""}\n`);
    } else this.draw();
  }

  /** Writes one line outside the status line (e.g. the wait between passes). */
  note(text: string): void {
    if (this.o.isTTY) this.o.write("\r\x1b[K");
    this.o.write(`${text}\n`);
    if (this.o.isTTY) this.draw();
  }

  /** A secret ended; `word` replaces the status in the line (e.g. "verified" for the verify phase). */
  end(r: SecretResult, word: string = r.status): void {
    this.active.delete(r.arn);
    this.done++;
    if (r.status !== "rotated" && r.status !== "would-rotate") this.bad++;
    const line = `[${this.done}/${this.total}] ${r.status === "rotated" ? word : r.status} ${label(r)}${r.reason ? `: ${r.reason}` : ""}`;
    if (this.o.isTTY) {
      // Only what went wrong stays on screen; successes show in the counter.
      if (r.status !== "rotated" && r.status !== "would-rotate") this.note(line);
      else this.draw();
    } else this.o.write(`${line}\n`);
  }

  /** The slowest secrets in flight, longest first: "t3/app (tenant t3) in setSecret for 42 s". */
  stuck(limit = 3): string[] {
    const now = this.o.now();
    return [...this.active.values()]
      .sort((a, b) => a.since - b.since)
      .slice(0, limit)
      .map((a) => `${a.label} in ${a.step} for ${seconds(now - a.since)}`);
  }

  private tick(): void {
    if (this.o.isTTY) return this.draw();
    const now = this.o.now();
    if (this.active.size > 0 && now - this.lastReport >= (this.o.reportEveryMs ?? 15_000)) {
      this.lastReport = now;
      const more = this.active.size > 3 ? `, +${this.active.size - 3} more` : "";
      this.o.write(`  ${this.phase}: ${this.done}/${this.total} done; waiting on ${this.stuck().join("; ")}${more}\n`);
    }
  }

  private draw(): void {
    const stuck = this.stuck(2);
    const text = `${this.phase}: ${this.done}/${this.total} done${this.bad ? `, ${this.bad} not ok` : ""}${stuck.length ? ` | ${stuck.join("; ")}` : ""}`;
    const width = (process.stderr.columns ?? 120) - 1;
    this.o.write(`\r\x1b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.o.isTTY) this.o.write("\r\x1b[K");
  }
}
