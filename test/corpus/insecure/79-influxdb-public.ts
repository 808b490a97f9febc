// expect: no-public-databases fleet-metrics
// why: a Timestream for InfluxDB instance for the fleet dashboards is created publiclyAccessible "so Grafana Cloud can query it": the time-series database gets a public endpoint.
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";

const tags = { "bulkhead:tenant": "vandelay" };

const vpc = new aws.ec2.Vpc("vandelay-vpc", { cidrBlock: "10.79.0.0/16", tags });
const a = new aws.ec2.Subnet("vandelay-metrics-a", { vpcId: vpc.id, cidrBlock: "10.79.1.0/24", availabilityZone: "us-east-1a", tags });
const sg = new aws.ec2.SecurityGroup("vandelay-metrics-sg", { vpcId: vpc.id, description: "influxdb", tags });
const password = new random.RandomPassword("fleet-metrics-password", { length: 32, special: false });

// https://docs.aws.amazon.com/timestream/latest/developerguide/timestream-for-influx-db-connecting.html
new aws.timestreaminfluxdb.DbInstance("fleet-metrics", {
  name: "fleet-metrics",
  dbInstanceType: "db.influx.medium",
  allocatedStorage: 20,
  bucket: "fleet",
  organization: "vandelay",
  username: "admin",
  password: password.result,
  publiclyAccessible: true,
  vpcSecurityGroupIds: [sg.id],
  vpcSubnetIds: [a.id],
  tags,
});
