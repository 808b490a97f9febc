/**
 * Direct calls to a tenant's rotation function (Lambda Invoke), for what only the function can do from inside
 * the VPC: list a secret's versions with its master's, and try old credentials against the database.
 * Also reads the function's configuration (timeout, log group) once per function.
 */
import { GetFunctionConfigurationCommand, InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { errorText } from "./errors";

export interface FunctionInfo {
  /** Configured timeout, seconds. */
  timeoutSeconds: number;
  logGroup: string;
}

export interface FunctionInvoker {
  /** Runs the function with `payload` and returns its JSON reply; throws with the function's error. */
  invoke(functionArn: string, payload: Record<string, unknown>): Promise<unknown>;
}

/** `arn:aws:lambda:region:account:function:name[:qualifier]` → name. */
export function functionName(arn: string): string {
  const parts = arn.split(":");
  return parts[6] ?? arn;
}

export function defaultLogGroup(functionArn: string): string {
  return `/aws/lambda/${functionName(functionArn)}`;
}

export class LambdaInvoker implements FunctionInvoker {
  constructor(private readonly lambda: LambdaClient) {}

  async invoke(functionArn: string, payload: Record<string, unknown>): Promise<unknown> {
    let out;
    try {
      out = await this.lambda.send(new InvokeCommand({ FunctionName: functionArn, Payload: new TextEncoder().encode(JSON.stringify(payload)) }));
    } catch (err) {
      throw new Error(`cannot invoke ${functionName(functionArn)}: ${errorText(err)}`);
    }
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : "";
    if (out.FunctionError) {
      // Lambda's error reply: {"errorType","errorMessage","trace"}; a timeout or crash has the same shape.
      let message = text;
      try {
        const e = JSON.parse(text) as { errorType?: string; errorMessage?: string };
        message = [e.errorType, e.errorMessage].filter(Boolean).join(": ") || text;
      } catch {
        /* not JSON: keep the raw text */
      }
      throw new Error(`the function ${functionName(functionArn)} failed (${out.FunctionError}): ${message}`);
    }
    return parseReply(functionArn, String(payload.bulkhead), text);
  }
}

/** The fields each breach-mode reply must have; anything else did not come from the bulkhead handler. */
const REPLY_SHAPE: Record<string, string[]> = {
  inventory: ["secret", "master"],
  verifyDead: ["checks", "stillLogIn", "unverifiable"],
};

/**
 * A reply that is not this handler's JSON means something else answered: e.g. an emulator that does not run
 * code and echoes the request or a canned text (moto without Docker does both).
 */
export function parseReply(functionArn: string, request: string, text: string): unknown {
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch {
    reply = undefined;
  }
  const r = reply as Record<string, unknown> | undefined;
  const shaped = !!r && typeof r === "object" && r.bulkhead === request && (REPLY_SHAPE[request] ?? []).every((k) => r[k] !== undefined && r[k] !== null);
  if (!shaped) {
    const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
    throw new Error(
      `the function ${functionName(functionArn)} did not run the bulkhead handler (its reply to ${request} was ${JSON.stringify(shown)}); ` +
        "an emulator that does not run Lambda functions? see README \"What an emulator must support\"",
    );
  }
  return reply;
}

export async function readFunctionInfo(lambda: LambdaClient, functionArn: string): Promise<FunctionInfo> {
  const out = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }));
  return { timeoutSeconds: out.Timeout ?? 3, logGroup: out.LoggingConfig?.LogGroup || defaultLogGroup(functionArn) };
}
