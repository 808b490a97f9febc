// Reproduces the shape of pulumi/examples aws-ts-redshift-glue-etl
// (https://github.com/pulumi/examples/tree/master/aws-ts-redshift-glue-etl): an events bucket crawled by Glue every
// 15 minutes, a single-node private Redshift cluster in its own VPC (S3 gateway endpoint, master password from stack
// config), a Glue JDBC connection to it carrying that password, and a scheduled Glue job loading the events into
// Redshift. Written for bulkhead, not copied: same config keys (see Pulumi.dev.yaml), resource names and export;
// glue-job.py is a placeholder (the script's contents play no part in the check).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const settings = new pulumi.Config();
const redshift = {
    id: settings.require("clusterIdentifier"),
    nodeType: settings.require("clusterNodeType"),
    database: settings.require("clusterDBName"),
    user: settings.require("clusterDBUsername"),
    // Typed in by whoever set up the stack and never rotated: the pack's no-typed-in-credentials finding.
    password: settings.requireSecret("clusterDBPassword"),
};
const catalogName = settings.require("glueDBName");
const region = new pulumi.Config("aws").require("region");

/** Glue and Redshift schedules share one cadence. */
const EVERY_QUARTER_HOUR = "cron(0/15 * * * ? *)";

/** Trust policy for one AWS service principal. */
const trustedBy = (service: string): aws.iam.PolicyDocument => ({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
});

const events = new aws.s3.Bucket("events", { forceDestroy: true });

// ---- Redshift, private, in a VPC of its own
const network = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16", enableDnsHostnames: true });
const subnet = new aws.ec2.Subnet("subnet", { vpcId: network.id, cidrBlock: "10.0.1.0/24" });
const subnetGroup = new aws.redshift.SubnetGroup("subnet-group", { subnetIds: [subnet.id] });

// COPY from S3 runs as this role.
const redshiftRole = new aws.iam.Role("redshift-role", {
    assumeRolePolicy: trustedBy("redshift.amazonaws.com"),
    managedPolicyArns: [aws.iam.ManagedPolicy.AmazonS3ReadOnlyAccess],
});

// Redshift and Glue reach S3 through a gateway endpoint on the main route table.
new aws.ec2.VpcEndpoint("s3-vpc-endpoint", {
    vpcId: network.id,
    serviceName: `com.amazonaws.${region}.s3`,
    routeTableIds: [network.mainRouteTableId],
});

const warehouse = new aws.redshift.Cluster("cluster", {
    clusterIdentifier: redshift.id,
    clusterType: "single-node",
    nodeType: redshift.nodeType,
    databaseName: redshift.database,
    masterUsername: redshift.user,
    masterPassword: redshift.password,
    clusterSubnetGroupName: subnetGroup.name,
    vpcSecurityGroupIds: [network.defaultSecurityGroupId],
    publiclyAccessible: false,
    iamRoles: [redshiftRole.arn],
    skipFinalSnapshot: true,
});

// ---- Glue: catalog, crawler, connection, job, trigger
const catalog = new aws.glue.CatalogDatabase("glue-catalog-db", { name: catalogName });

const glueRole = new aws.iam.Role("glue-role", {
    assumeRolePolicy: JSON.stringify(trustedBy("glue.amazonaws.com")),
    managedPolicyArns: [aws.iam.ManagedPolicy.AmazonS3FullAccess, "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"],
});

new aws.glue.Crawler("glue-crawler", {
    role: glueRole.arn,
    databaseName: catalog.name,
    schedule: EVERY_QUARTER_HOUR,
    s3Targets: [{ path: pulumi.interpolate`s3://${events.bucket}` }],
});

// The password travels in connectionProperties (readable with glue:GetConnection), not as a SECRET_ID.
const connection = new aws.glue.Connection("glue-redshift-connection", {
    connectionType: "JDBC",
    connectionProperties: {
        JDBC_CONNECTION_URL: pulumi.interpolate`jdbc:redshift://${warehouse.endpoint}/${redshift.database}`,
        USERNAME: redshift.user,
        PASSWORD: redshift.password,
    },
    physicalConnectionRequirements: {
        subnetId: subnet.id,
        availabilityZone: subnet.availabilityZone,
        securityGroupIdLists: warehouse.vpcSecurityGroupIds,
    },
});

const scripts = new aws.s3.Bucket("glue-job-bucket", { forceDestroy: true });
new aws.s3.BucketObject("glue-job.py", {
    bucket: scripts.id,
    source: new pulumi.asset.FileAsset(`${__dirname}/glue-job.py`),
});

const loadEvents = new aws.glue.Job("glue-job", {
    roleArn: glueRole.arn,
    glueVersion: "3.0",
    workerType: "G.1X",
    numberOfWorkers: 10,
    connections: [connection.name],
    command: { pythonVersion: "3", scriptLocation: pulumi.interpolate`s3://${scripts.bucket}/glue-job.py` },
    defaultArguments: {
        "--job-bookmark-option": "job-bookmark-enable",
        "--TempDir": pulumi.interpolate`s3://${scripts.bucket}/glue-job-temp`,
        "--ConnectionName": connection.name,
        "--GlueDBName": catalogName,
        // The crawler names the table after the bucket, with an underscore for its first hyphen.
        "--GlueDBTableName": events.bucket.apply((bucketName) => bucketName.replace("-", "_")),
        "--RedshiftDBName": redshift.database,
        "--RedshiftDBTableName": "events",
        "--RedshiftRoleARN": redshiftRole.arn,
    },
});

new aws.glue.Trigger("trigger", {
    type: "SCHEDULED",
    schedule: EVERY_QUARTER_HOUR,
    actions: [{ jobName: loadEvents.name }],
});

export const dataBucketName = events.bucket;
