// expect: no-typed-in-credentials wp-worker
// why: a WordPress worker's boot script exports MYSQL_PWD with the database password; user data is readable by anyone with ec2:DescribeInstanceAttribute and from inside the instance through IMDS.
import * as aws from "@pulumi/aws";

const tags = { "bulkhead:tenant": "hooli" };

// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html: "don't store sensitive data, such as
// passwords or long-lived keys, as user data."
new aws.ec2.Instance("wp-worker", {
  ami: "ami-0123456789abcdef0",
  instanceType: "t3.small",
  subnetId: "subnet-0aaa1111bbb22222c",
  vpcSecurityGroupIds: ["sg-0123456789abcdef0"],
  associatePublicIpAddress: false,
  metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
  rootBlockDevice: { encrypted: true, volumeSize: 20 },
  userData: [
    "#!/bin/bash",
    "set -euo pipefail",
    "export MYSQL_PWD='Hooli-WP-2024!'",
    "mysql -h hooli-wp.cluster-abc.eu-west-1.rds.amazonaws.com -u wordpress -e 'SELECT 1'",
    "systemctl start php-fpm",
  ].join("\n"),
  tags,
});
