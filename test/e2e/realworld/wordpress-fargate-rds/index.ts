// Source: pulumi/examples, aws-ts-wordpress-fargate-rds/{index,network,backend,frontend}.ts (Apache-2.0), merged
// into one file. The stored frontend.ts is cut off after the task role, so its ECS task definition and service are
// left out; everything before them is kept as written.
import * as aws from "@pulumi/aws";
import { ec2, rds } from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

// ---- network.ts
class Vpc extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly subnetIds: pulumi.Output<string>[] = [];
  public readonly rdsSecurityGroupIds: pulumi.Output<string>[] = [];
  public readonly feSecurityGroupIds: pulumi.Output<string>[] = [];

  constructor(name: string, args: { cidrBlock?: string }, opts?: pulumi.ComponentResourceOptions) {
    super("custom:resource:VPC", name, args, opts);
    const vpcName = `${name}-vpc`;
    const vpc = new ec2.Vpc(vpcName, {
      cidrBlock: args.cidrBlock || "10.100.0.0/16",
      instanceTenancy: "default",
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { "Name": vpcName },
    }, { parent: this });
    const igw = new ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { "Name": `${name}-igw` } }, { parent: this });
    const routeTable = new ec2.RouteTable(`${name}-rt`, {
      vpcId: vpc.id,
      routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
      tags: { "Name": `${name}-rt` },
    }, { parent: this });
    const allZones = aws.getAvailabilityZones({ state: "available" });
    const subnets: pulumi.Output<string>[] = [];
    for (let i = 0; i < 2; i++) {
      const az = allZones.then(it => it.zoneIds[i]);
      const subnetName = `${name}-subnet-${i}`;
      const vpcSubnet = new ec2.Subnet(subnetName, {
        assignIpv6AddressOnCreation: false,
        vpcId: vpc.id,
        mapPublicIpOnLaunch: true,
        cidrBlock: `10.100.${subnets.length}.0/24`,
        availabilityZoneId: az,
        tags: { "Name": subnetName },
      }, { parent: this });
      new ec2.RouteTableAssociation(`vpc-route-table-assoc-${i}`, { routeTableId: routeTable.id, subnetId: vpcSubnet.id }, { parent: this });
      subnets.push(vpcSubnet.id);
    }
    const rdsSecurityGroup = new ec2.SecurityGroup(`${name}-rds-sg`, {
      vpcId: vpc.id,
      description: "Allow client access",
      tags: { "Name": `${name}-rds-sg` },
      ingress: [{ cidrBlocks: ["0.0.0.0/0"], fromPort: 3306, toPort: 3306, protocol: "tcp", description: "Allow RDS access" }],
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
    }, { parent: this });
    const feSecurityGroup = new ec2.SecurityGroup(`${name}-fe-sg`, {
      vpcId: vpc.id,
      description: "Allows all HTTP(s) traffic.",
      tags: { "Name": `${name}-fe-sg` },
      ingress: [
        { cidrBlocks: ["0.0.0.0/0"], fromPort: 443, toPort: 443, protocol: "tcp", description: "Allow https" },
        { cidrBlocks: ["0.0.0.0/0"], fromPort: 80, toPort: 80, protocol: "tcp", description: "Allow http" },
      ],
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
    }, { parent: this });
    this.vpcId = vpc.id;
    this.subnetIds = subnets;
    this.rdsSecurityGroupIds = [rdsSecurityGroup.id];
    this.feSecurityGroupIds = [feSecurityGroup.id];
    this.registerOutputs({});
  }
}

// ---- backend.ts
class Db extends pulumi.ComponentResource {
  public readonly dbAddress: pulumi.Output<string>;
  constructor(name: string, args: { dbName: string; dbUser: string; dbPassword: pulumi.Output<string>; subnetIds: pulumi.Output<string>[]; securityGroupIds: pulumi.Output<string>[] }, opts?: pulumi.ComponentResourceOptions) {
    super("custom:resource:DB", name, args, opts);
    const rdsSubnetGroup = new rds.SubnetGroup(`${name}-sng`, { subnetIds: args.subnetIds, tags: { "Name": `${name}-sng` } }, { parent: this });
    const db = new rds.Instance(`${name}-rds`, {
      dbName: args.dbName,
      username: args.dbUser,
      password: args.dbPassword,
      vpcSecurityGroupIds: args.securityGroupIds,
      dbSubnetGroupName: rdsSubnetGroup.name,
      allocatedStorage: 20,
      engine: "mysql",
      engineVersion: "5.7",
      instanceClass: "db.t2.micro",
      storageType: "gp2",
      skipFinalSnapshot: true,
      publiclyAccessible: false,
    }, { parent: this });
    this.dbAddress = db.address;
    this.registerOutputs({});
  }
}

// ---- frontend.ts (up to the task role)
class WebService extends pulumi.ComponentResource {
  public readonly dnsName: pulumi.Output<string>;
  constructor(name: string, args: { vpcId: pulumi.Output<string>; subnetIds: pulumi.Output<string>[]; securityGroupIds: pulumi.Output<string>[] }, opts?: pulumi.ComponentResourceOptions) {
    super("custom:resource:WebService", name, args, opts);
    new aws.ecs.Cluster(`${name}-ecs`, {}, { parent: this });
    const alb = new aws.lb.LoadBalancer(`${name}-alb`, { securityGroups: args.securityGroupIds, subnets: args.subnetIds }, { parent: this });
    const atg = new aws.lb.TargetGroup(`${name}-app-tg`, {
      port: 80,
      protocol: "HTTP",
      targetType: "ip",
      vpcId: args.vpcId,
      healthCheck: { healthyThreshold: 2, interval: 5, timeout: 4, protocol: "HTTP", matcher: "200-399" },
    }, { parent: this });
    new aws.lb.Listener(`${name}-listener`, { loadBalancerArn: alb.arn, port: 80, defaultActions: [{ type: "forward", targetGroupArn: atg.arn }] }, { parent: this });
    const role = new aws.iam.Role(`${name}-task-role`, {
      assumeRolePolicy: JSON.stringify({
        Version: "2008-10-17",
        Statement: [{ Sid: "", Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    }, { parent: this });
    new aws.iam.RolePolicyAttachment(`${name}-task-policy`, {
      role: role.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    }, { parent: this });
    this.dnsName = alb.dnsName;
    this.registerOutputs({});
  }
}

// ---- index.ts
const config = new pulumi.Config();
const serviceName = config.get("serviceName") || "wp-fargate-rds";
const dbName = config.get("dbName") || "wordpress";
const dbUser = config.get("dbUser") || "admin";

let dbPassword = config.getSecret("dbPassword");
if (!dbPassword) {
  dbPassword = new random.RandomPassword("dbPassword", { length: 16, special: true, overrideSpecial: "_%" }).result;
}

const vpc = new Vpc(`${serviceName}-net`, {});
const db = new Db(`${serviceName}-db`, { dbName, dbUser, dbPassword, subnetIds: vpc.subnetIds, securityGroupIds: vpc.rdsSecurityGroupIds });
const fe = new WebService(`${serviceName}-fe`, { vpcId: vpc.vpcId, subnetIds: vpc.subnetIds, securityGroupIds: vpc.feSecurityGroupIds });

export const webServiceUrl = pulumi.interpolate`http://${fe.dnsName}`;
export const databaseEndpoint = db.dbAddress;
