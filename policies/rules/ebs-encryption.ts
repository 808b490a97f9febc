import { T, type RuleDefinition, type StackResource } from "../model";
import { Findings, list } from "./util";

const on = (v: unknown) => v === true || v === "true";

export const rule: RuleDefinition = {
  meta: {
    id: "ebs-encryption",
    severity: "medium",
    enforcementLevel: "advisory",
    controls: ["EC2.3", "EC2.7", "CIS 2.2.1"],
    why: "Unencrypted volumes and their snapshots expose data to anyone who can copy a snapshot.",
    fix: "Set encrypted: true on root/EBS block devices, launch template blockDeviceMappings[].ebs and ebs.Volume, or enable aws.ebs.EncryptionByDefault.",
    messages: {
      "volume-unencrypted": "{resource}: {what} is not encrypted. Fix: Set encrypted: true on root/EBS block devices, launch template blockDeviceMappings[].ebs and ebs.Volume, or enable aws.ebs.EncryptionByDefault.",
    },
  },
  check(model) {
    // Account-wide encryption by default covers every volume in the region.
    if (model.ofType("aws:ebs/encryptionByDefault:EncryptionByDefault").some((r) => r.props.enabled !== false)) return [];
    const out = new Findings();
    const report = (r: StackResource, what: string) => out.report(r.urn, "volume-unencrypted", { resource: model.label(r.urn), what });
    for (const i of model.ofType(T.instance)) {
      if (!on(i.props.rootBlockDevice?.encrypted)) report(i, "rootBlockDevice");
      list(i.props.ebsBlockDevices).forEach((d: any, n) => !on(d?.encrypted) && report(i, `ebsBlockDevices[${n}] ${d?.deviceName ?? ""}`.trim()));
    }
    for (const lt of model.ofType(T.launchTemplate)) {
      const maps = list(lt.props.blockDeviceMappings);
      if (!maps.length) report(lt, "the AMI's root volume (no blockDeviceMappings)");
      maps.forEach((m: any, n) => m?.ebs && !on(m.ebs.encrypted) && report(lt, `blockDeviceMappings[${n}] ${m?.deviceName ?? ""}`.trim()));
    }
    for (const v of model.ofType("aws:ebs/volume:Volume")) if (!on(v.props.encrypted)) report(v, "the volume");
    return out.list;
  },
};
