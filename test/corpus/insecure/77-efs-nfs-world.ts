// expect: no-world-open-sensitive-port shared-files-nfs
// expect: data-ports-tenant-only shared-files-nfs
// why: the web tier's shared uploads live on EFS, and the mount targets' group takes NFS 2049 from 0.0.0.0/0 (protocol written as "6"): every file is one route away from the internet.
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "hooli" };

const vpc = new aws.ec2.Vpc("hooli-vpc", { cidrBlock: "10.77.0.0/16", tags });
const a = new aws.ec2.Subnet("hooli-app-a", { vpcId: vpc.id, cidrBlock: "10.77.1.0/24", availabilityZone: "us-east-1a", tags });

const key = new aws.kms.Key("hooli-files-key", { description: "uploads", enableKeyRotation: true, tags });
const fs = new aws.efs.FileSystem("hooli-uploads", { encrypted: true, kmsKeyId: key.arn, tags });
const filesSg = new aws.ec2.SecurityGroup("hooli-files-sg", { vpcId: vpc.id, description: "uploads mount targets", tags });
// https://docs.aws.amazon.com/efs/latest/ug/network-access.html: NFS clients reach a mount target on TCP 2049.
new aws.ec2.SecurityGroupRule("shared-files-nfs", {
  type: "ingress",
  securityGroupId: filesSg.id,
  protocol: "6",
  fromPort: 2049,
  toPort: 2049,
  cidrBlocks: ["0.0.0.0/0"],
});
new aws.efs.MountTarget("hooli-uploads-a", { fileSystemId: fs.id, subnetId: a.id, securityGroups: [filesSg.id] });
