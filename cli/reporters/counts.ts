/**
 * The one way every format counts resources: `checked` is every registration the pack saw (the JSON's
 * `resources`: the stack, components and providers too); `toCreate` is what a deployment would create
 * (custom resources, without the stack and providers).
 */
import type { ProgramRun, RegisteredResource } from "../engine/types";

export function isCreatedResource(r: RegisteredResource): boolean {
  return r.custom && !r.type.startsWith("pulumi:providers:") && r.type !== "pulumi:pulumi:Stack";
}

export function resourceCounts(run: ProgramRun): { checked: number; toCreate: number } {
  return { checked: run.resources.length, toCreate: run.resources.filter(isCreatedResource).length };
}

/** "9 resources checked (7 to create)", the same words in every format. */
export function countsText(run: ProgramRun): string {
  const { checked, toCreate } = resourceCounts(run);
  return `${checked} resources checked (${toCreate} to create)`;
}
