/**
 * Defers @pulumi/pulumi's function serialisation until a program uses it. `@pulumi/pulumi/runtime`
 * requires `./closure/serializeClosure` and `./closure/codePaths` on load, and with them TypeScript, npm's
 * Arborist, tuf-js, tar and spdx data: about half of what importing @pulumi/pulumi + @pulumi/aws +
 * @pulumi/policy costs (~0.45 of ~0.9 s CPU here), for code that only runs when a program serialises a
 * function (e.g. `aws.lambda.CallbackFunction`, dynamic providers). The runtime reads exactly three
 * functions from those modules at load; each is handed out as a forwarding function that loads the real
 * module on its first call. Anything else asked of the module loads it at once, so an SDK whose runtime
 * reads more (or re-exports the whole module) gets the real module, only not later.
 *
 * Must run before the first require of @pulumi/pulumi in the process; installs once; any SDK copy.
 */
import Module = require("node:module");

const LAZY: Record<string, readonly string[]> = {
  "./closure/serializeClosure": ["serializeFunctionAsync", "serializeFunction"],
  "./closure/codePaths": ["computeCodePaths"],
};
const RUNTIME_INDEX = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]index\.js$/;
const INSTALLED = Symbol.for("bulkhead.lazyClosure");

type Load = (request: string, parent: { filename?: string | null } | undefined, isMain: boolean) => unknown;

export function deferClosureSerialisation(): void {
  const M = Module as unknown as { _load: Load; [INSTALLED]?: boolean };
  if (M[INSTALLED]) return;
  M[INSTALLED] = true;
  const original = M._load;
  M._load = function (this: unknown, request, parent, isMain) {
    const names = LAZY[request];
    if (!names || !parent?.filename || !RUNTIME_INDEX.test(parent.filename)) return original.call(this, request, parent, isMain);
    let real: Record<PropertyKey, unknown> | undefined;
    const load = () => (real ??= original.call(this, request, parent, isMain) as Record<PropertyKey, unknown>);
    const forwarders = new Map<PropertyKey, unknown>(
      names.map((name) => [
        name,
        function (this: unknown, ...args: unknown[]) {
          return (load()[name] as (...a: unknown[]) => unknown).apply(this, args);
        },
      ]),
    );
    return new Proxy(
      {},
      {
        get: (_t, key) => (real === undefined && forwarders.has(key) ? forwarders.get(key) : load()[key]),
        has: (_t, key) => key in load(),
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor: (_t, key) => {
          const d = Object.getOwnPropertyDescriptor(load(), key);
          return d && { ...d, configurable: true };
        },
      },
    );
  };
}

// Imported first by the worker (./child.ts) for this effect.
deferClosureSerialisation();
