/**
 * Credential values found by a maintained detector: secretlint's recommended rule set
 * (@secretlint/secretlint-rule-preset-recommend, MIT: AWS, GCP, GitHub, GitLab, Slack, npm, Stripe, SendGrid,
 * OpenAI/Anthropic, private keys, basic-auth URLs, database connection strings, …).
 *
 * Why the rules are driven directly instead of through @secretlint/core's `lintSource`: the pack's rules are
 * synchronous `check(model)` functions, and lintSource returns a Promise. Every scanner rule of the preset is written
 * against secretlint's documented rule API (`create(context, options)` returns `{ file(source) }`, which reports
 * through `context.report`) and reports synchronously for text; this module gives them that context and collects
 * the reports. A rule whose handler returns a Promise (the 1Password PFX check, binary only) is ignored for text.
 *
 * The preset is an ES module; Node ≥ 20.19 / 22.12 `require()`s it. It is loaded on first use, so stacks without
 * runtime strings never pay for it, and results are cached per value (stacks repeat values).
 */

export interface DetectedSecret {
  /** The secretlint rule that matched, e.g. "@secretlint/secretlint-rule-aws". */
  rule: string;
  /** Its message id, e.g. "AWSSecretAccessKey". */
  messageId: string;
}

interface Handler {
  rule: string;
  file: (source: unknown) => unknown;
}

let handlers: Handler[] | undefined;
let found: DetectedSecret[] = [];
const cache = new Map<string, DetectedSecret[]>();

function load(): Handler[] {
  if (handlers) return handlers;
  let preset: { rules: any[] };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    preset = require("@secretlint/secretlint-rule-preset-recommend");
  } catch (e) {
    // Failing loudly beats judging credentials without the detector.
    throw new Error(`bulkhead pack: cannot load @secretlint/secretlint-rule-preset-recommend (an ES module; Node ≥ 20.19 or ≥ 22.12 loads it with require(), this is Node ${process.versions.node}): ${(e as Error).message}`);
  }
  const out: Handler[] = [];
  for (const r of preset.rules) {
    if (r?.meta?.type !== "scanner" || typeof r.create !== "function") continue;
    const id: string = r.meta.id;
    const context = {
      sharedOptions: {},
      createTranslator: (messages: Record<string, Record<string, (d: unknown) => string>>) => (messageId: string, data: unknown) => ({
        messageId,
        data,
        message: messages?.[messageId]?.en?.(data) ?? messageId,
      }),
      report: (d: { message?: { messageId?: string } }) => found.push({ rule: id, messageId: d.message?.messageId ?? "secret" }),
      ignore: () => undefined,
    };
    const h = r.create(context, {});
    if (h && typeof h.file === "function") out.push({ rule: id, file: h.file });
  }
  handlers = out;
  return out;
}

/**
 * The credentials secretlint's recommended rules find in `text` (empty when none). Short strings and strings
 * without any character a token needs are skipped before the rules run: every detected shape is ≥ 16 characters.
 */
export function detectSecrets(text: string): DetectedSecret[] {
  if (text.length < 16) return [];
  const hit = cache.get(text);
  if (hit) return hit;
  const hs = load();
  found = [];
  const source = { content: text, filePath: "value.txt", ext: ".txt", contentType: "text" };
  for (const h of hs) {
    try {
      const r = h.file(source);
      if (r && typeof (r as Promise<unknown>).then === "function") (r as Promise<unknown>).catch(() => undefined);
    } catch {
      // A rule that throws on odd input finds nothing in it; the other rules still run.
    }
  }
  const result = dedupe(found);
  found = [];
  if (cache.size > 10_000) cache.clear();
  cache.set(text, result);
  return result;
}

function dedupe(list: DetectedSecret[]): DetectedSecret[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.rule}\u0000${d.messageId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
