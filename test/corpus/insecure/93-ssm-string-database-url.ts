// expect: no-typed-in-credentials reports-database-url
// why: the reporting service's DATABASE_URL, password included, is kept in a plain String parameter: String parameters are neither encrypted nor access-logged as secrets, and anyone with ssm:GetParameter reads it.
import * as aws from "@pulumi/aws";

// https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-securestring.html: sensitive
// data belongs in a SecureString parameter; String values are plain text.
new aws.ssm.Parameter("reports-database-url", {
  name: "/initech/reports/database-url",
  type: "String",
  value: "mysql://reports:Initech-R3ports@reports.cluster-abc.eu-west-1.rds.amazonaws.com:3306/reports",
  tags: { "bulkhead:tenant": "initech" },
});

new aws.ssm.Parameter("reports-log-level", {
  name: "/initech/reports/log-level",
  type: "String",
  value: "info",
  tags: { "bulkhead:tenant": "initech" },
});
