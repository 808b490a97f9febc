/**
 * Plays Secrets Manager's part for moto, which cannot run the Node function here: runs the handler's four
 * steps with the AWSPENDING token RotateSecret created, then drops the AWSPENDING label as the service does
 * after a successful rotation. A failing step fails the run with the function's message, like AWS would log.
 */
import { UpdateSecretVersionStageCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { RotationDriver, SelectedSecret } from "../../cli/rotate/engine";
import { rotate, STEPS, type RotationEvent, type Step } from "../../rotation/handler";

export interface HandlerDriverOptions {
  /** Runs one step; default the handler module in-process. The artifact test passes the bundled Lambda here. */
  invoke?: (event: RotationEvent) => Promise<void>;
  /** Called before each step; the fault tests stop the database here. */
  beforeStep?: (step: Step, secret: SelectedSecret) => Promise<void>;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export class HandlerDriver implements RotationDriver {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly options: HandlerDriverOptions = {},
  ) {}

  async run(secret: SelectedSecret, versionId: string): Promise<void> {
    const deps = { client: this.client, dbTimeoutMs: 3000, log: this.options.log ?? (() => undefined) };
    const invoke = this.options.invoke ?? ((event: RotationEvent) => rotate(event, deps));
    for (const step of STEPS) {
      await this.options.beforeStep?.(step, secret);
      await invoke({ SecretId: secret.arn, ClientRequestToken: versionId, Step: step });
    }
    await this.client.send(new UpdateSecretVersionStageCommand({ SecretId: secret.arn, VersionStage: "AWSPENDING", RemoveFromVersionId: versionId }));
  }
}
