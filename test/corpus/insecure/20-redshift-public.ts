// expect: no-public-databases analytics-warehouse
// expect: no-typed-in-credentials analytics-warehouse
// why: a Redshift warehouse reachable from the internet with its master password typed into the program.
import * as aws from "@pulumi/aws";

export default async () => {
  const azs = await aws.getAvailabilityZones({ state: "available" });

  const cluster = new aws.redshift.Cluster("analytics-warehouse", {
    clusterIdentifier: "analytics",
    databaseName: "analytics",
    masterUsername: "awsuser",
    masterPassword: "Analytics#2024#Warehouse",
    nodeType: "ra3.xlplus",
    clusterType: "multi-node",
    numberOfNodes: 2,
    availabilityZone: azs.names[0],
    // the BI vendor's SaaS connects from "somewhere in AWS"
    publiclyAccessible: true,
    encrypted: "true",
    skipFinalSnapshot: true,
  });

  return { endpoint: cluster.endpoint };
};
