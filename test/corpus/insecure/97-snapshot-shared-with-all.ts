// expect: no-public-entry-points reporting-db-snapshot
// why: a manual RDS snapshot "shared with the analytics vendor" through sharedAccounts ["all"]: every AWS account can restore the database (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html).
import * as aws from "@pulumi/aws";

new aws.rds.Snapshot("reporting-db-snapshot", {
  dbInstanceIdentifier: "reporting-db",
  dbSnapshotIdentifier: "reporting-db-2026-11",
  sharedAccounts: ["all"],
});
