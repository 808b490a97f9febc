// expect: no-world-open-sensitive-port blog-ports
// expect: bastion-only-admin blog-ports
// expect: data-ports-tenant-only blog-ports
// expect: only-lbs-face-world blog-ports
// expect: public-ip-only-bastion-lb marketing-blog
// expect: no-public-databases blog-db
// expect: no-typed-in-credentials blog-db
// why: the marketing team's Lightsail WordPress: SSH and MySQL open to everyone, a public managed database with a typed-in password.
import * as aws from "@pulumi/aws";

const blog = new aws.lightsail.Instance("marketing-blog", {
  name: "marketing-blog",
  availabilityZone: "us-east-1a",
  blueprintId: "wordpress",
  bundleId: "small_3_0",
  keyPairName: "marketing",
  tags: { team: "marketing" },
});

new aws.lightsail.InstancePublicPorts("blog-ports", {
  instanceName: blog.name,
  portInfos: [
    { protocol: "tcp", fromPort: 80, toPort: 80 },
    { protocol: "tcp", fromPort: 443, toPort: 443 },
    { protocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["0.0.0.0/0"] },
    // the agency's designer edits the DB directly from a desktop client
    { protocol: "tcp", fromPort: 3306, toPort: 3306, cidrs: ["0.0.0.0/0"] },
  ],
});

new aws.lightsail.Database("blog-db", {
  relationalDatabaseName: "marketing-blog-db",
  availabilityZone: "us-east-1a",
  blueprintId: "mysql_8_0",
  bundleId: "micro_2_0",
  masterDatabaseName: "wordpress",
  masterUsername: "wpadmin",
  masterPassword: "Marketing-Blog-2024",
  publiclyAccessible: true,
  skipFinalSnapshot: true,
});
